import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompletion, parseRetryAfter, providerMessage, retryDelayMs } from '../../src/llm/response.js';

void describe('parsing completion answers', () => {
  void test('text parts in an array are joined', () => {
    const parsed = parseCompletion({ choices: [{ message: { content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] } }] });
    assert.deepEqual(parsed, { kind: 'text', text: 'ab', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } });
  });

  void test('no choices, or whitespace content, is empty and keeps the finish reason', () => {
    assert.equal(parseCompletion({ choices: [] }).kind, 'empty');
    assert.deepEqual(parseCompletion({ choices: [{ message: { content: ' \n ' }, finish_reason: 'length' }] }), {
      kind: 'empty',
      finishReason: 'length',
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    });
  });

  void test('an error object answered with 200 is reported as a provider error', () => {
    assert.deepEqual(parseCompletion({ error: { message: 'upstream failed', code: 502 } }), {
      kind: 'error',
      message: 'upstream failed',
      status: 502,
    });
  });

  void test('a body without choices is malformed', () => {
    assert.equal(parseCompletion({ id: 'x' }).kind, 'malformed');
    assert.equal(parseCompletion('text').kind, 'malformed');
  });

  void test('total tokens fall back to the sum when the provider omits them', () => {
    const parsed = parseCompletion({ choices: [{ message: { content: 'x' } }], usage: { prompt_tokens: 3, completion_tokens: 4 } });
    assert.equal(parsed.kind === 'text' && parsed.usage.totalTokens, 7);
  });

  void test('the provider message is read from the OpenAI error shape and bounded', () => {
    assert.equal(providerMessage({ error: { message: 'bad\n model' } }), 'bad model');
    assert.equal(providerMessage('x'.repeat(500))?.length, 201);
  });
});

void describe('retry timing', () => {
  void test('Retry-After accepts seconds and HTTP dates', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter('Fri, 04 Dec 2026 12:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Fri, 04 Dec 2026 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  void test('back-off doubles per retry, honours and caps Retry-After', () => {
    const noJitter = () => 0;
    assert.deepEqual([0, 1, 2, 3].map((n) => retryDelayMs(n, undefined, 500, 3000, noJitter)), [500, 1000, 2000, 3000]);
    assert.equal(retryDelayMs(0, 1500, 500, 3000, noJitter), 1500);
    assert.equal(retryDelayMs(0, 90_000, 500, 3000, noJitter), 3000);
  });
});
