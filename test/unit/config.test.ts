import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkerConfig } from '../../src/config/worker.js';
import { ConfigError } from '../../src/config/env.js';

describe('worker configuration', () => {
  test('defaults match the documented values', () => {
    const config = loadWorkerConfig({});
    assert.equal(config.apiBaseUrl, 'http://localhost:3001');
    assert.deepEqual(config.redis, { host: 'localhost', port: 6379, password: undefined });
    assert.equal(config.bullPrefix, undefined);
    assert.equal(config.jobAttempts, 3);
    assert.equal(config.jobBackoffDelayMs, 5000);
    assert.deepEqual(config.concurrency, { 'content-generation': 2, 'video-generation': 1, 'lora-training': 1 });
    assert.equal(config.shutdownTimeoutMs, 30_000);
    assert.deepEqual(config.log, { level: 'info', format: 'json' });
    assert.deepEqual(config.queues, ['content-generation', 'video-generation', 'lora-training']);
  });

  test('WORKER_API_URL is accepted when API_BASE_URL is unset, and API_BASE_URL wins when both are set', () => {
    assert.equal(loadWorkerConfig({ WORKER_API_URL: 'http://api:8080/' }).apiBaseUrl, 'http://api:8080');
    assert.equal(loadWorkerConfig({ WORKER_API_URL: 'http://a', API_BASE_URL: 'http://b' }).apiBaseUrl, 'http://b');
  });

  const invalid: Array<[string, string]> = [
    ['REDIS_PORT', 'abc'],
    ['REDIS_PORT', '70000'],
    ['VIDEO_GENERATION_CONCURRENCY', '0'],
    ['CONTENT_GENERATION_CONCURRENCY', '1.5'],
    ['WORKER_JOB_ATTEMPTS', '-1'],
    ['API_BASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['WORKER_QUEUES', 'content-generation,nope'],
  ];
  for (const [variable, value] of invalid) {
    test(`${variable}=${value} is rejected with an error naming ${variable}`, () => {
      assert.throws(() => loadWorkerConfig({ [variable]: value }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.variables, [variable]);
        assert.match(error.message, new RegExp(`${variable}: .*${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        return true;
      });
    });
  }

  test('an empty value means the default, as in an env file with FOO=', () => {
    assert.equal(loadWorkerConfig({ REDIS_PORT: '' }).redis.port, 6379);
  });

  test('WORKER_QUEUES narrows the queues this host consumes', () => {
    assert.deepEqual(loadWorkerConfig({ WORKER_QUEUES: 'lora-training' }).queues, ['lora-training']);
  });
});
