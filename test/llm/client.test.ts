import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLlmClient, type LlmClientOptions } from '../../src/llm/index.js';
import { LlmTestServer, reply } from '../helpers/llm-server.js';

const KEY = 'sk-or-v1-secret-test-key-0123456789';
const messages = [{ role: 'user' as const, content: 'Say hi' }];

void describe('LLM client against an OpenAI-compatible server', () => {
  let server: LlmTestServer;
  let sleeps: number[];

  before(async () => {
    server = new LlmTestServer();
    await server.start();
  });
  after(async () => server.stop());
  beforeEach(() => {
    server.reset();
    sleeps = [];
  });

  const client = (overrides: Partial<LlmClientOptions> = {}) =>
    createLlmClient({
      baseUrl: server.baseUrl,
      apiKey: KEY,
      model: 'test/model',
      timeoutMs: 2000,
      maxRetries: 3,
      // Records the wait instead of waiting, unless a test passes a real sleep.
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    });

  void test('a normal completion returns the trimmed text and the usage, sent as an OpenAI request with the bearer key', async () => {
    server.script(reply.completion('  Hello there!  ', { prompt: 12, completion: 5 }));
    const result = await client().complete({ messages, maxTokens: 50, temperature: 0.5 });
    assert.deepEqual(result, { text: 'Hello there!', usage: { promptTokens: 12, completionTokens: 5, totalTokens: 17 } });
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/api/v1/chat/completions');
    assert.equal(request?.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(request?.body, { model: 'test/model', messages, max_tokens: 50, temperature: 0.5 });
  });

  void test('a 429 with Retry-After is retried after the wait the provider asked for', async () => {
    server.script(reply.rateLimited('1'), reply.completion('ok'));
    const started = Date.now();
    const result = await client({ sleep: undefined }).complete({ messages });
    assert.equal(result.text, 'ok');
    assert.equal(server.requests.length, 2);
    assert.ok(Date.now() - started >= 950, `waited only ${Date.now() - started} ms`);
  });

  void test('Retry-After as an HTTP date is honoured and capped', async () => {
    const inTenMinutes = new Date(Date.now() + 600_000).toUTCString();
    server.script(reply.rateLimited(inTenMinutes), reply.completion('ok'));
    await client({ maxRetryDelayMs: 5000 }).complete({ messages });
    assert.deepEqual(sleeps, [5000]);
  });

  void test('a 500 is retried with back-off and then succeeds', async () => {
    server.script(reply.serverError(500), reply.serverError(503), reply.completion('ok'));
    const result = await client({ retryBaseDelayMs: 100 }).complete({ messages });
    assert.equal(result.text, 'ok');
    assert.equal(server.requests.length, 3);
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[0]! >= 100 && sleeps[0]! <= 125, `first delay ${sleeps[0]}`);
    assert.ok(sleeps[1]! >= 200 && sleeps[1]! <= 250, `second delay ${sleeps[1]}`);
  });

  void test('when the retries are spent the error is retryable and names the last status', async () => {
    server.script(reply.serverError(502), reply.serverError(502), reply.serverError(502));
    await assert.rejects(client({ maxRetries: 2 }).complete({ messages }), (error: Error & { code?: string }) => {
      assert.equal(error.name, 'RetryableJobError');
      assert.equal(error.code, 'LLM_HTTP_502');
      assert.match(error.message, /502.*gave up after 3 attempt/);
      return true;
    });
    assert.equal(server.requests.length, 3);
  });

  void test('a 401 is unrecoverable after one request, names the status and the provider message, never the key', async () => {
    server.script(reply.unauthorized(`Incorrect API key provided: ${KEY}`));
    const error = await client().complete({ messages }).then(
      () => assert.fail('expected a rejection'),
      (thrown: unknown) => thrown as Error & { code: string },
    );
    assert.equal(server.requests.length, 1);
    assert.equal(error.name, 'UnrecoverableError');
    assert.equal(error.code, 'LLM_HTTP_401');
    assert.match(error.message, /^LLM provider answered 401: Incorrect API key provided/);
    const serialized = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    assert.ok(!serialized.includes(KEY), 'the key leaked into the error');
    assert.ok(!serialized.includes('secret-test-key'), 'part of the key leaked into the error');
  });

  void test('retry warnings in the log carry the code and delay, never the key or the prompt', async () => {
    const lines: string[] = [];
    const record = (message: string, meta?: Record<string, unknown>) => void lines.push(JSON.stringify({ message, ...meta }));
    const logger = { error: record, warn: record, info: record, debug: record, child: () => logger };
    server.script(reply.rateLimited('0'), reply.unauthorized(`bad key ${KEY}`));
    await assert.rejects(client({ logger }).complete({ messages }), { code: 'LLM_HTTP_401' });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /LLM_HTTP_429/);
    assert.ok(!lines.join('\n').includes(KEY));
    assert.ok(!lines.join('\n').includes('Say hi'));
  });

  for (const status of [400, 403, 404]) {
    void test(`a ${status} is unrecoverable after one request`, async () => {
      server.script(reply.status(status, 'model not found'));
      await assert.rejects(client().complete({ messages }), { name: 'UnrecoverableError', code: `LLM_HTTP_${status}` });
      assert.equal(server.requests.length, 1);
    });
  }

  void test('an empty completion is retried once, then fails as unrecoverable', async () => {
    server.script(reply.empty(), reply.empty(), reply.completion('never reached'));
    await assert.rejects(client().complete({ messages }), (error: Error & { code?: string }) => {
      assert.equal(error.name, 'UnrecoverableError');
      assert.equal(error.code, 'LLM_EMPTY_COMPLETION');
      assert.match(error.message, /empty completion/);
      return true;
    });
    assert.equal(server.requests.length, 2);
    server.reset();
    server.script(reply.empty(), reply.completion('second time lucky'));
    assert.equal((await client().complete({ messages })).text, 'second time lucky');
  });

  void test('an HTML page answered with 200 is an error that says the body is not JSON', async () => {
    server.script(reply.html());
    await assert.rejects(client({ maxRetries: 0 }).complete({ messages }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'LLM_BAD_RESPONSE');
      assert.match(error.message, /not JSON \(text\/html\)/);
      return true;
    });
  });

  void test('a hung request times out within about the timeout and is retryable', async () => {
    server.script(reply.hang());
    const started = Date.now();
    await assert.rejects(client({ timeoutMs: 300, maxRetries: 0 }).complete({ messages }), {
      name: 'RetryableJobError',
      code: 'LLM_TIMEOUT',
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 280 && elapsed < 1500, `took ${elapsed} ms`);
  });

  void test('aborting the signal ends a hung request at once with AbortedError and no retry', async () => {
    server.script(reply.hang(), reply.completion('not wanted'));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('job cancelled')), 100);
    await assert.rejects(client({ timeoutMs: 5000 }).complete({ messages }, controller.signal), {
      name: 'AbortedError',
      message: 'aborted: job cancelled',
    });
    assert.ok(Date.now() - started < 1000);
    assert.equal(server.requests.length, 1);
  });

  void test('an unreachable provider is retried and reported as unreachable', async () => {
    const closed = new LlmTestServer();
    const url = await closed.start();
    await closed.stop();
    await assert.rejects(
      createLlmClient({ baseUrl: url, model: 'm', timeoutMs: 1000, maxRetries: 1, sleep: async () => undefined }).complete({ messages }),
      { name: 'RetryableJobError', code: 'LLM_UNREACHABLE', message: /ECONNREFUSED.*gave up after 2 attempt/ },
    );
  });
});
