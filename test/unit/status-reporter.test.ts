/**
 * The status reporter and its durable outbox, on a real private Redis, with a
 * fake API passed in as `patchJob`.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createStatusReporter, type StatusReporter } from '../../src/lifecycle/status-reporter.js';
import { createOutboxStore, type OutboxStore } from '../../src/status/outbox-store.js';
import { createDelivery } from '../../src/status/delivery.js';
import type { JobStatusUpdate } from '../../src/api/client.js';
import { RetryableJobError, UnrecoverableJobError } from '../../src/errors/job-errors.js';
import { silentLogger } from '../../src/logger.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';

interface Delivered { jobId: string; update: JobStatusUpdate }

/** A patchJob fake: records what it accepted; `fail(call)` may throw to simulate the API failing. */
function fakeApi(fail: (call: number, update: JobStatusUpdate) => Promise<void> | void = () => undefined) {
  const delivered: Delivered[] = [];
  let calls = 0;
  return {
    delivered,
    statuses: (jobId: string) => delivered.filter((d) => d.jobId === jobId).map((d) => d.update.status),
    patchJob: async (jobId: string, update: JobStatusUpdate) => {
      calls += 1;
      await fail(calls, update);
      delivered.push({ jobId, update });
    },
  };
}

describe('status reporter with the durable outbox', () => {
  let redis: TestRedis;
  let connection: Redis;
  let prefix: string;

  before(async () => {
    redis = await startRedis();
    connection = redis.client();
  });
  after(async () => {
    connection.disconnect();
    await redis.destroy();
  });
  beforeEach(() => {
    prefix = `t${randomUUID().slice(0, 8)}`;
  });

  const build = (api: ReturnType<typeof fakeApi>, progressIntervalMs = 1000): { reporter: StatusReporter; store: OutboxStore } => {
    const store = createOutboxStore(connection, { prefix });
    const delivery = createDelivery({ store, patchJob: api.patchJob, logger: silentLogger, retryBaseDelayMs: 20, retryMaxDelayMs: 50, sweepIntervalMs: 50 });
    delivery.start();
    return { reporter: createStatusReporter({ store, delivery, logger: silentLogger, progressIntervalMs }), store };
  };

  test('delivers updates for one job in the order they were reported, even when the first is slow', async () => {
    const api = fakeApi(async (call) => { if (call === 1) await new Promise((r) => setTimeout(r, 50)); });
    const { reporter } = build(api);
    reporter.report('a', { status: 'running' }, 1);
    reporter.report('a', { status: 'succeeded', result: { ok: true } }, 1);
    assert.equal(await reporter.flush(2000), 0);
    assert.deepEqual(api.statuses('a'), ['running', 'succeeded']);
  });

  test('never delivers a running update of the same or an older attempt after a final status', async () => {
    const api = fakeApi();
    const { reporter } = build(api);
    reporter.report('a', { status: 'failed', result: { message: 'x' } }, 2);
    reporter.report('a', { status: 'running' }, 2);
    reporter.reportProgress('a', { percent: 50 }, 1);
    reporter.report('a', { status: 'succeeded', result: {} }, 2);
    await reporter.flush(2000);
    assert.deepEqual(api.statuses('a'), ['failed'], 'exactly one final status');
  });

  test('a later run of a finished job (a manual retry) reports again', async () => {
    const api = fakeApi();
    const { reporter } = build(api);
    reporter.report('a', { status: 'failed', result: {} }, 1);
    reporter.report('a', { status: 'running' }, 2);
    reporter.report('a', { status: 'succeeded', result: {} }, 2);
    await reporter.flush(2000);
    assert.deepEqual(api.statuses('a'), ['failed', 'running', 'succeeded']);
  });

  test('keeps updates while the API fails and delivers them, in order, once it is back', async () => {
    let down = true;
    const api = fakeApi(() => { if (down) throw new RetryableJobError('API_HTTP_503', 'unavailable'); });
    const { reporter } = build(api);
    reporter.report('a', { status: 'running' }, 1);
    reporter.reportProgress('a', { percent: 10 }, 1);
    reporter.report('a', { status: 'succeeded', result: {} }, 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(api.delivered.length, 0);
    down = false;
    await waitFor('delivery after the outage', () => api.statuses('a').includes('succeeded'), 5000);
    assert.deepEqual(api.statuses('a'), ['running', 'running', 'succeeded']);
  });

  test('updates stored by a process that died are delivered by the next one', async () => {
    const first = fakeApi(() => { throw new RetryableJobError('API_UNREACHABLE', 'down'); });
    const { reporter } = build(first);
    reporter.report('orphan', { status: 'running' }, 1);
    reporter.report('orphan', { status: 'succeeded', result: { n: 1 } }, 1);
    assert.equal(await reporter.flush(100), 2, 'both updates stay in the outbox');
    const second = fakeApi();
    build(second);
    await waitFor('the next process to deliver the backlog', () => second.statuses('orphan').length === 2, 5000);
    assert.deepEqual(second.statuses('orphan'), ['running', 'succeeded']);
  });

  test('coalesces waiting progress updates, keeping the latest', async () => {
    let down = true;
    const api = fakeApi(() => { if (down) throw new RetryableJobError('API_UNREACHABLE', 'down'); });
    const { reporter, store } = build(api, 0);
    reporter.report('p', { status: 'running' }, 1);
    for (let percent = 10; percent <= 90; percent += 10) {
      reporter.reportProgress('p', { percent }, 1);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await store.backlog(), 2, 'running + one coalesced progress');
    down = false;
    await waitFor('delivery', () => api.delivered.length === 2, 5000);
    assert.deepEqual(api.delivered.at(-1)?.update.result, { progress: { percent: 90 } });
  });

  test('an update the API refuses for good (4xx) is dropped and reported, later ones still go', async () => {
    const failures: string[] = [];
    const api = fakeApi((call) => { if (call === 1) throw new UnrecoverableJobError('API_HTTP_404', 'no such job'); });
    const store = createOutboxStore(connection, { prefix });
    const delivery = createDelivery({ store, patchJob: api.patchJob, logger: silentLogger, onDeliveryFailure: (jobId) => failures.push(jobId) });
    const reporter = createStatusReporter({ store, delivery, logger: silentLogger });
    reporter.report('gone', { status: 'running' }, 1);
    reporter.report('gone', { status: 'succeeded', result: {} }, 1);
    assert.equal(await reporter.flush(2000), 0);
    assert.deepEqual(failures, ['gone']);
    assert.deepEqual(api.statuses('gone'), ['succeeded']);
  });

  test('throttles progress to one update per interval and sends the latest value', async () => {
    const api = fakeApi();
    const { reporter } = build(api, 200);
    for (let percent = 0; percent <= 100; percent += 10) {
      reporter.reportProgress('p', { percent }, 1);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 250));
    await reporter.flush(1000);
    const sent = api.delivered.map((d) => (d.update.result?.progress as { percent: number }).percent);
    assert.ok(sent.length >= 2 && sent.length <= 3, `2-3 progress PATCHes in ~450 ms, got ${sent.length}`);
    assert.equal(sent.at(-1), 100, 'the latest progress is not lost');
  });
});
