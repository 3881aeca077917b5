import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'bullmq';
import { createFailureStreaks } from '../../src/alerts/streak.js';
import { createFailureAlerts } from '../../src/alerts/failure-alerts.js';
import { createAlertWebhook, type FailureAlert, type FetchLike } from '../../src/alerts/webhook.js';
import { silentLogger } from '../../src/logger.js';

describe('failure streaks', () => {
  test('an alert is due exactly when the streak reaches the threshold, once per streak', () => {
    const streaks = createFailureStreaks(3);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => streaks.failed('q')), [undefined, undefined, 3, undefined, undefined]);
  });

  test('a success resets the streak so the next run of failures alerts again', () => {
    const streaks = createFailureStreaks(2);
    assert.equal(streaks.failed('q'), undefined);
    streaks.succeeded('q');
    assert.equal(streaks.current('q'), 0);
    assert.equal(streaks.failed('q'), undefined);
    assert.equal(streaks.failed('q'), 2);
  });

  test('queues keep separate streaks', () => {
    const streaks = createFailureStreaks(2);
    streaks.failed('a');
    assert.equal(streaks.failed('b'), undefined);
    assert.equal(streaks.failed('a'), 2);
  });

  test('a threshold below 1 is refused', () => {
    assert.throws(() => createFailureStreaks(0), RangeError);
  });
});

describe('failure alerts observer', () => {
  const job = (id: string): Job => ({ id: `q-${id}`, data: { jobId: id, payload: {} } }) as unknown as Job;

  test('only final failures count, and the alert names the queue, the API job id and the last code', () => {
    const sent: FailureAlert[] = [];
    const alerts = createFailureAlerts({
      threshold: 2,
      webhook: { send: (_key, alert) => sent.push(alert) },
      now: () => new Date('2026-12-04T10:00:00Z'),
    });
    alerts.onFailed?.('video-generation', job('a'), false, 'FFMPEG_CRASHED', undefined);
    alerts.onFailed?.('video-generation', job('b'), true, 'X', undefined);
    assert.equal(sent.length, 0, 'a retried attempt does not count');
    alerts.onFailed?.('video-generation', job('c'), true, 'COMFY_DOWN', undefined);
    assert.deepEqual(sent, [{
      queue: 'video-generation', jobId: 'c', consecutiveFailures: 2,
      message: '2 consecutive jobs failed on video-generation; the last with COMFY_DOWN', timestamp: '2026-12-04T10:00:00.000Z',
    }]);
  });
});

describe('alert webhook', () => {
  const alert: FailureAlert = { queue: 'q', jobId: 'j', consecutiveFailures: 3, message: 'm', timestamp: 't' };

  test('send returns before the request ends and a second alert for a busy queue is dropped', async () => {
    const releases: Array<() => void> = [];
    const calls: string[] = [];
    const fetchLike: FetchLike = (_url, init) => {
      calls.push(init.body);
      return new Promise((resolve) => { releases.push(() => resolve({ ok: true, status: 200 })); });
    };
    const webhook = createAlertWebhook({ url: 'http://127.0.0.1:9/hook', timeoutMs: 60_000, logger: silentLogger, fetch: fetchLike });
    webhook.send('q', alert);
    webhook.send('q', { ...alert, jobId: 'second' });
    webhook.send('other', { ...alert, queue: 'other' });
    assert.equal(calls.length, 2, 'one request per queue in flight');
    assert.deepEqual(JSON.parse(calls[0] ?? '{}'), alert);
    for (const release of releases) release();
    await webhook.close();
  });

  test('a request that never answers is aborted at its deadline and the queue can alert again', async () => {
    const signals: AbortSignal[] = [];
    const fetchLike: FetchLike = (_url, init) => new Promise((_resolve, reject) => {
      signals.push(init.signal);
      init.signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
    const webhook = createAlertWebhook({ url: 'http://127.0.0.1:9/hook', timeoutMs: 20, logger: silentLogger, fetch: fetchLike });
    webhook.send('q', alert);
    await new Promise((resolve) => signals[0]?.addEventListener('abort', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    webhook.send('q', alert);
    assert.equal(signals.length, 2);
    await webhook.close();
    assert.equal(signals[1]?.aborted, true, 'close aborts what is still in flight');
  });
});
