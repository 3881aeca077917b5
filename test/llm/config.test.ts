import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLlmConfig } from '../../src/config/llm.js';
import { ConfigError } from '../../src/config/env.js';
import { llmClientOptions } from '../../src/llm/index.js';

void describe('LLM configuration', () => {
  void test('defaults point at OpenRouter with the documented model, timeout and retries', () => {
    const config = loadLlmConfig({ OPENROUTER_API_KEY: 'sk-1' });
    assert.deepEqual(config, {
      baseUrl: 'https://openrouter.ai/api/v1',
      apiKey: 'sk-1',
      model: 'openrouter/auto',
      timeoutMs: 60_000,
      maxRetries: 3,
      httpReferer: undefined,
      appTitle: undefined,
    });
  });

  void test('LLM_API_KEY is accepted as an alias, the canonical name wins', () => {
    assert.equal(loadLlmConfig({ LLM_API_KEY: 'alias' }).apiKey, 'alias');
    assert.equal(loadLlmConfig({ LLM_API_KEY: 'alias', OPENROUTER_API_KEY: 'main' }).apiKey, 'main');
  });

  void test('a missing key stops start-up for OpenRouter, naming the variable', () => {
    assert.throws(() => loadLlmConfig({}), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.variables, ['OPENROUTER_API_KEY']);
      return true;
    });
  });

  void test('a local server needs no key', () => {
    const config = loadLlmConfig({ LLM_BASE_URL: 'http://127.0.0.1:8080/v1/', LLM_MODEL: 'llama', LLM_MAX_RETRIES: '0' });
    assert.equal(config.apiKey, undefined);
    assert.equal(config.baseUrl, 'http://127.0.0.1:8080/v1');
    assert.equal(config.maxRetries, 0);
  });

  void test('invalid numbers are rejected naming the variable', () => {
    assert.throws(() => loadLlmConfig({ OPENROUTER_API_KEY: 'k', LLM_TIMEOUT_MS: '0' }), /LLM_TIMEOUT_MS/);
    assert.throws(() => loadLlmConfig({ OPENROUTER_API_KEY: 'k', LLM_MAX_RETRIES: '-1' }), /LLM_MAX_RETRIES/);
  });

  void test('attribution headers reach the client options only when configured', () => {
    const base = { OPENROUTER_API_KEY: 'k' };
    assert.deepEqual(llmClientOptions(loadLlmConfig(base)).headers, {});
    const options = llmClientOptions(loadLlmConfig({ ...base, LLM_HTTP_REFERER: 'https://example.com', LLM_APP_TITLE: 'Worker' }));
    assert.deepEqual(options.headers, { 'HTTP-Referer': 'https://example.com', 'X-Title': 'Worker' });
  });
});
