import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCaptionPrompt, buildScriptPrompt, renderPersona } from '../../src/llm/prompts.js';

void describe('prompts', () => {
  void test('the caption prompt puts persona and context in the user message only', () => {
    const [system, user] = buildCaptionPrompt({ name: 'Ava', style: 'cozy', tags: ['coffee'] }, 'rainy Monday');
    assert.equal(system?.role, 'system');
    assert.match(system?.content ?? '', /exactly one caption/);
    assert.doesNotMatch(system?.content ?? '', /Ava/);
    assert.equal(user?.role, 'user');
    assert.match(user?.content ?? '', /name: Ava\nstyle: cozy\ntags: \["coffee"\]/);
    assert.match(user?.content ?? '', /rainy Monday/);
  });

  void test('the script prompt asks for timestamps ending at the requested duration', () => {
    const messages = buildScriptPrompt('Sunrise vibes ☀️', 12, 'a surfer', 'beach');
    assert.match(messages[0]?.content ?? '', /timestamp/);
    const user = messages[1]?.content ?? '';
    assert.match(user, /Sunrise vibes ☀️/);
    assert.match(user, /12-second vertical video/);
    assert.match(user, /ending at 12s/);
    assert.match(buildScriptPrompt('c', 7.5)[1]?.content ?? '', /7\.5-second/);
  });

  void test('a missing or blank persona falls back to a neutral one, a huge one is cut', () => {
    assert.match(renderPersona(undefined), /creator/);
    assert.equal(renderPersona('  '), renderPersona(undefined));
    assert.ok(renderPersona('x'.repeat(10_000)).length <= 4001);
  });
});
