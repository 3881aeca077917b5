import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createStatusReporter } from '../../src/lifecycle/status-reporter.js';
import type { JobStatusUpdate } from '../../src/api/client.js';
import { RetryableJobError, UnrecoverableJobError } from '../../src/errors/job-errors.js';
import { silentLogger } from '../../src/logger.js';

interface Call { jobId: string; update: JobStatusUpdate; at: number }

/** A patchJob fake: records calls, and fails according to `failures` (per call index). */
function fakeApi(behaviour: (call: number, update: JobStatusUpdate) => Promise<void> | void = () => undefined) {
  const delivered: Call[] = [];
  let calls = 0;
  return {
    delivered,
    patchJob: async (jobId: string, update: JobStatusUpdate) => {
      calls += 1;
      await behaviour(calls, update);
      delivered.push({ jobId, update, at: Date.now() });
    },
  };
}

const options = { logger: silentLogger, retryBaseDelayMs: 5, retryMaxDelayMs: 20 };

describe('status reporter', () => {
  test('delivers updates for one job in the order they were reported, even when the first is slow', async () => {
    const api = fakeApi(async (call) => { if (call === 1) await new Promise((r) => setTimeout(r, 50)); });
    const reporter = createStatusReporter({ ...options, patchJob: api.patchJob });
    reporter.report('a', { status: 'running' });
    reporter.report('a', { status: 'succeeded', result: { ok: true } });
    await reporter.flush(1000);
    assert.deepEqual(api.delivered.map((c) => c.update.status), ['running', 'succeeded']);
  });

  test('never sends running after a final status', async () => {
    const api = fakeApi();
    const reporter = createStatusReporter({ ...options, patchJob: api.patchJob });
    reporter.report('a', { status: 'failed', result: { message: 'x' } });
    reporter.report('a', { status: 'running' });
    reporter.reportProgress('a', { percent: 50 });
    await reporter.flush(1000);
    assert.deepEqual(api.delivered.map((c) => c.update.status), ['failed']);
  });

  test('retries network errors and 5xx with back-off until delivered', async () => {
    const api = fakeApi((call) => {
      if (call <= 2) throw new RetryableJobError('API_HTTP_503', 'unavailable');
    });
    const reporter = createStatusReporter({ ...options, patchJob: api.patchJob });
    reporter.report('a', { status: 'succeeded', result: {} });
    assert.equal(await reporter.flush(2000), 0);
    assert.equal(api.delivered.length, 1);
  });

  test('gives up on a 4xx at once and reports the failure, without throwing', async () => {
    const failures: string[] = [];
    const api = fakeApi(() => { throw new UnrecoverableJobError('API_HTTP_404', 'no such job'); });
    const reporter = createStatusReporter({ ...options, patchJob: api.patchJob, onDeliveryFailure: (jobId) => failures.push(jobId) });
    reporter.report('gone', { status: 'running' });
    await reporter.flush(1000);
    assert.deepEqual(failures, ['gone']);
    assert.equal(reporter.pending(), 0);
  });

  test('throttles progress to one update per interval and sends the latest value', async () => {
    const api = fakeApi();
    const reporter = createStatusReporter({ ...options, patchJob: api.patchJob, progressIntervalMs: 200 });
    for (let percent = 0; percent <= 100; percent += 10) {
      reporter.reportProgress('p', { percent });
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 250));
    await reporter.flush(1000);
    const sent = api.delivered.map((c) => (c.update.result?.progress as { percent: number }).percent);
    assert.ok(sent.length >= 2 && sent.length <= 3, `2-3 progress PATCHes in ~450 ms, got ${sent.length}`);
    assert.equal(sent.at(-1), 100, 'the latest progress is not lost');
  });

  test('a final status cancels a progress update still waiting for its slot', async () => {
    const api = fakeApi();
    const reporter = createStatusReporter({ ...options, patchJob: api.patchJob, progressIntervalMs: 10_000 });
    reporter.reportProgress('p', { percent: 10 });
    reporter.reportProgress('p', { percent: 20 });
    reporter.report('p', { status: 'succeeded', result: {} });
    await reporter.flush(1000);
    assert.deepEqual(api.delivered.map((c) => c.update.status), ['running', 'succeeded']);
  });

  test('flush returns what is still undelivered when the API stays down past the deadline', async () => {
    const api = fakeApi(() => { throw new RetryableJobError('API_UNREACHABLE', 'down'); });
    const reporter = createStatusReporter({ ...options, patchJob: api.patchJob, retryBaseDelayMs: 1000, retryMaxDelayMs: 1000 });
    reporter.report('a', { status: 'succeeded', result: {} });
    const left = await reporter.flush(100);
    assert.equal(left, 1);
  });
});
