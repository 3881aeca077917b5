import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseContentGenerationData } from '../../src/jobs/content-generation/index.js';

void describe('content-generation payload', () => {
  void test('an empty payload gets the defaults', () => {
    assert.deepEqual(parseContentGenerationData({}), {
      persona: undefined,
      context: 'general social post',
      durationSec: 15,
      createVideo: true,
      priority: undefined,
    });
  });

  void test('persona may be an object or text; personaText and theme are accepted too', () => {
    assert.deepEqual(parseContentGenerationData({ persona: { name: 'Ava' } }).persona, { name: 'Ava' });
    assert.equal(parseContentGenerationData({ persona: ' Ava ' }).persona, 'Ava');
    assert.equal(parseContentGenerationData({ personaText: 'Bo' }).persona, 'Bo');
    assert.equal(parseContentGenerationData({ theme: 'summer' }).context, 'summer');
    assert.equal(parseContentGenerationData({ theme: 'summer', context: 'winter' }).context, 'winter');
    assert.equal(parseContentGenerationData({ context: '  ' }).context, 'general social post');
  });

  const malformed: Array<[string, unknown, string]> = [
    ['a missing payload', undefined, 'payload'],
    ['an array payload', [], 'payload'],
    ['a numeric persona', { persona: 5 }, 'persona'],
    ['an array persona', { persona: ['a'] }, 'persona'],
    ['a numeric personaText', { personaText: 1 }, 'personaText'],
    ['an object context', { context: { a: 1 } }, 'context'],
    ['a numeric theme', { theme: 3 }, 'theme'],
    ['a string duration', { durationSec: '15' }, 'durationSec'],
    ['a zero duration', { durationSec: 0 }, 'durationSec'],
    ['a negative duration', { durationSec: -4 }, 'durationSec'],
    ['an infinite duration', { durationSec: Infinity }, 'durationSec'],
    ['a string createVideo', { createVideo: 'yes' }, 'createVideo'],
    ['a fractional priority', { priority: 2.5 }, 'priority'],
    ['a priority of 11', { priority: 11 }, 'priority'],
    ['a huge context', { context: 'x'.repeat(20_001) }, 'context'],
    ['a huge persona object', { persona: { bio: 'x'.repeat(20_001) } }, 'persona'],
  ];
  for (const [what, payload, field] of malformed) {
    void test(`${what} is rejected as unrecoverable, naming ${field}`, () => {
      assert.throws(() => parseContentGenerationData(payload), (error: Error & { code?: string; field?: string }) => {
        assert.equal(error.name, 'UnrecoverableError');
        assert.equal(error.code, 'INVALID_PAYLOAD');
        assert.equal(error.field, field);
        assert.match(error.message, new RegExp(`^invalid job data: ${field} `));
        return true;
      });
    });
  }

  void test('messages name the type, never the payload text', () => {
    assert.throws(() => parseContentGenerationData({ context: 'x'.repeat(30_000) }), (error: Error) => {
      assert.ok(error.message.length < 200);
      return true;
    });
  });
});
