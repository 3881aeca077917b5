import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TEXT_LENGTH, parseVideoGenerationData } from '../../src/jobs/video-generation/input.js';

void describe('video-generation payload', () => {
  void test('a minimal payload gets a 15 second duration and no optional fields', () => {
    assert.deepEqual(parseVideoGenerationData({ caption: 'c', script: 's' }), {
      caption: 'c', script: 's', persona: undefined, context: undefined, durationSec: 15, parentJobId: undefined,
    });
  });

  void test('persona may be a string or an object and the other optional fields are kept', () => {
    const parsed = parseVideoGenerationData({ caption: 'c', script: 's', persona: { name: 'Ava' }, context: 'x', durationSec: 7.5, parentJobId: 'p1' });
    assert.deepEqual(parsed.persona, { name: 'Ava' });
    assert.equal(parsed.durationSec, 7.5);
    assert.equal(parsed.parentJobId, 'p1');
    assert.equal(parseVideoGenerationData({ caption: 'c', script: 's', persona: 'Ava' }).persona, 'Ava');
  });

  for (const [field, payload] of [
    ['payload', 'text'],
    ['caption', { script: 's' }],
    ['caption', { caption: '   ', script: 's' }],
    ['script', { caption: 'c', script: 3 }],
    ['persona', { caption: 'c', script: 's', persona: 4 }],
    ['context', { caption: 'c', script: 's', context: ['x'] }],
    ['durationSec', { caption: 'c', script: 's', durationSec: 0 }],
    ['durationSec', { caption: 'c', script: 's', durationSec: '15' }],
    ['parentJobId', { caption: 'c', script: 's', parentJobId: 12 }],
    ['script', { caption: 'c', script: 'x'.repeat(MAX_TEXT_LENGTH + 1) }],
  ] as const) {
    void test(`an invalid ${field} (${JSON.stringify(payload).slice(0, 40)}) is an unrecoverable error naming it`, () => {
      assert.throws(() => parseVideoGenerationData(payload), (error: Error & { field?: string; code?: string }) => {
        assert.equal(error.name, 'UnrecoverableError');
        assert.equal(error.code, 'INVALID_PAYLOAD');
        assert.equal(error.field, field);
        return true;
      });
    });
  }
});
