import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planReload } from '../../src/supervisor/reload.js';
import { idleToKeep } from '../../src/supervisor/pool-limit.js';
import { loadWorkerConfig } from '../../src/config/index.js';

const config = (env: Record<string, string>) => loadWorkerConfig({ WORKER_QUEUES: 'content-generation,video-generation', ...env });

describe('reload plan', () => {
  test('only changed concurrency of consumed queues is planned', () => {
    const plan = planReload(
      config({ CONTENT_GENERATION_CONCURRENCY: '3', VIDEO_GENERATION_CONCURRENCY: '1' }),
      config({ CONTENT_GENERATION_CONCURRENCY: '1', VIDEO_GENERATION_CONCURRENCY: '1', LORA_TRAINING_CONCURRENCY: '4' }),
    );
    assert.deepEqual(plan.concurrency, [{ queue: 'content-generation', from: 3, to: 1 }]);
    assert.deepEqual(plan.globalConcurrency, []);
  });

  test('a fleet-wide cap is applied when set or changed, and left alone when removed from the file', () => {
    const plan = planReload(
      config({ CONTENT_GENERATION_GLOBAL_CONCURRENCY: '2' }),
      config({ VIDEO_GENERATION_GLOBAL_CONCURRENCY: '0' }),
    );
    assert.deepEqual(plan.globalConcurrency, [{ queue: 'video-generation', from: undefined, to: 0 }]);
  });
});

describe('pool limit', () => {
  test('idle children kept never take the pool above the limit, busy ones are never counted as releasable', () => {
    assert.equal(idleToKeep(3, 3, 1), 1, 'all idle: keep one');
    assert.equal(idleToKeep(3, 1, 1), 0, 'two busy: release the idle one');
    assert.equal(idleToKeep(3, 0, 1), 0, 'all busy: nothing to release yet');
    assert.equal(idleToKeep(2, 2, 5), 2, 'under the limit: keep all');
  });
});
