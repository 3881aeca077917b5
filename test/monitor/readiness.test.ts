import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReadiness } from '../../src/monitor/readiness.js';

const running = [{ queue: 'a', running: true }, { queue: 'b', running: true }];

describe('readiness', () => {
  test('ready when Redis answers PONG and every worker runs', async () => {
    const result = await checkReadiness({ redis: { status: 'ready', ping: async () => 'PONG' }, workers: () => running });
    assert.deepEqual(result, { ready: true, redis: 'ok', workers: { a: 'running', b: 'running' }, reasons: [] });
  });

  test('a disconnected client is not ready without waiting for a PING it would queue', async () => {
    let pinged = false;
    const result = await checkReadiness({ redis: { status: 'reconnecting', ping: async () => { pinged = true; return 'PONG'; } }, workers: () => running });
    assert.equal(result.ready, false);
    assert.equal(pinged, false);
    assert.deepEqual(result.reasons, ['redis: not connected (reconnecting)']);
  });

  test('a PING that does not answer in time, a stopped worker or no workers at all are reasons', async () => {
    const slow = await checkReadiness({
      redis: { status: 'ready', ping: () => new Promise<string>(() => undefined) },
      workers: () => [{ queue: 'a', running: false }],
      pingTimeoutMs: 20,
    });
    assert.equal(slow.ready, false);
    assert.deepEqual(slow.reasons, ['worker for a is not running', 'redis: redis PING took longer than 20 ms']);
    const none = await checkReadiness({ redis: { status: 'ready', ping: async () => 'PONG' }, workers: () => [] });
    assert.deepEqual(none.reasons, ['workers not started']);
  });
});
