import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadComfyConfig } from '../../src/config/comfy.js';
import { ConfigError } from '../../src/config/env.js';

const workflow = JSON.stringify({ '1': { class_type: 'EmptyImage', inputs: { width: 8 } } });

void describe('ComfyUI configuration', () => {
  void test('defaults apply and the wait deadline is interval times attempts', () => {
    const config = loadComfyConfig({ COMFYUI_VIDEO_WORKFLOW_JSON: workflow });
    assert.equal(config.apiUrl, 'http://127.0.0.1:8188');
    assert.equal(config.timeoutMs, 120_000);
    assert.equal(config.pollIntervalMs, 5000);
    assert.equal(config.maxPollAttempts, 120);
    assert.equal(config.waitTimeoutMs, 600_000);
    assert.equal(config.workflow['1']?.class_type, 'EmptyImage');
  });

  void test('the client id carries a per-process suffix after the configured prefix', () => {
    const config = loadComfyConfig({ COMFYUI_VIDEO_WORKFLOW_JSON: workflow, COMFYUI_CLIENT_ID: 'w' });
    assert.match(config.clientId, new RegExp(`^w-${process.pid}-[0-9a-f]{8}$`));
  });

  void test('an explicit wait timeout wins and a trailing slash is dropped from the URL', () => {
    const config = loadComfyConfig({ COMFYUI_VIDEO_WORKFLOW_JSON: workflow, COMFYUI_WAIT_TIMEOUT_MS: '9000', COMFYUI_API_URL: 'http://gpu:8188/' });
    assert.equal(config.waitTimeoutMs, 9000);
    assert.equal(config.apiUrl, 'http://gpu:8188');
  });

  for (const [label, value] of [
    ['missing', undefined],
    ['not JSON', '{nope'],
    ['not an object of nodes', '[1,2]'],
    ['a node without class_type', JSON.stringify({ '3': { inputs: {} } })],
  ] as const) {
    void test(`a workflow that is ${label} is a start-up error naming the variable`, () => {
      assert.throws(
        () => loadComfyConfig({ COMFYUI_VIDEO_WORKFLOW_JSON: value }),
        (error: unknown) => error instanceof ConfigError && error.variables.includes('COMFYUI_VIDEO_WORKFLOW_JSON'),
      );
    });
  }
});
