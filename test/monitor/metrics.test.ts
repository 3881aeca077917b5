import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'bullmq';
import { crashLabel, failureOutcome, jobDurationSeconds, metricNames } from '../../src/metrics/names.js';
import { createWorkerMetrics, type QueueDepth } from '../../src/metrics/worker-metrics.js';
import { parseTelemetry, sendTelemetry, TELEMETRY_CMD } from '../../src/sandbox/child-telemetry.js';
import { composeObservers } from '../../src/monitor/compose-observers.js';
import { silentLogger } from '../../src/logger.js';

const line = (text: string, series: string): string | undefined => text.split('\n').find((l) => l.startsWith(`${series} `));

describe('metric naming', () => {
  test('every name is the prefix followed by the base name', () => {
    const names = metricNames('acme_');
    assert.equal(names.jobsCompleted, 'acme_jobs_completed_total');
    assert.equal(names.queueJobs, 'acme_queue_jobs');
    assert.ok(Object.values(names).every((name) => /^acme_[a-z_]+$/.test(name)));
  });

  test('crash labels name the signal or the exit code, and a clean exit is no crash', () => {
    assert.equal(crashLabel({ signal: 'SIGKILL', exitCode: null }), 'SIGKILL');
    assert.equal(crashLabel({ signal: null, exitCode: 1 }), 'exit-1');
    assert.equal(crashLabel({ signal: null, exitCode: 0 }), undefined);
    assert.equal(failureOutcome(true), 'final');
    assert.equal(failureOutcome(false), 'retried');
  });

  test('durations come from BullMQ timestamps and are skipped when unknown', () => {
    assert.equal(jobDurationSeconds({ processedOn: 1000, finishedOn: 3500 }), 2.5);
    assert.equal(jobDurationSeconds({ processedOn: 1000 }), undefined);
    assert.equal(jobDurationSeconds({ processedOn: 5000, finishedOn: 1000 }), undefined);
  });
});

describe('worker metrics', () => {
  const build = (depth: () => Promise<QueueDepth>) =>
    createWorkerMetrics({ prefix: 't_', readQueueDepth: depth, pendingStatusUpdates: () => 4, logger: silentLogger });

  test('an unexpected child death counts once; the pool stopping a child is not a crash', async () => {
    const metrics = build(async () => ({}));
    const exit = { pid: 1, processFile: 'f', exitCode: null, signal: 'SIGSEGV', expected: false };
    metrics.observer.onChildExit?.(exit, 'video-generation');
    metrics.observer.onChildExit?.({ ...exit, signal: 'SIGTERM', expected: true }, 'video-generation');
    metrics.observer.onChildExit?.({ ...exit, signal: null, exitCode: 0 }, 'video-generation');
    const { body } = await metrics.scrape();
    assert.equal(line(body, 't_child_crashes_total{queue="video-generation",signal="SIGSEGV"}'), 't_child_crashes_total{queue="video-generation",signal="SIGSEGV"} 1');
    assert.doesNotMatch(body, /SIGTERM/);
  });

  test('failures split into final and retried; pending status updates and sync failures are exported', async () => {
    const metrics = build(async () => ({ 'lora-training': { waiting: 2, active: 1, delayed: 0, failed: 7 } }));
    const job = { processedOn: 1000, finishedOn: 2000 } as unknown as Job;
    metrics.observer.onFailed?.('lora-training', job, false, 'X', undefined);
    metrics.observer.onFailed?.('lora-training', job, true, 'X', undefined);
    metrics.statusSyncFailed();
    const { body, contentType } = await metrics.scrape();
    assert.match(contentType, /^text\/plain/);
    assert.match(body, /^t_jobs_failed_total\{queue="lora-training",outcome="retried"\} 1$/m);
    assert.match(body, /^t_jobs_failed_total\{queue="lora-training",outcome="final"\} 1$/m);
    assert.match(body, /^t_job_duration_seconds_count\{queue="lora-training",status="failed"\} 1$/m);
    assert.match(body, /^t_queue_jobs\{queue="lora-training",state="failed"\} 7$/m);
    assert.match(body, /^t_status_updates_pending 4$/m);
    assert.match(body, /^t_status_sync_failures_total 1$/m);
  });

  test('when queue depth cannot be read the depth series disappear instead of going stale', async () => {
    let up = true;
    const metrics = build(async () => {
      if (!up) throw new Error('redis not connected');
      return { q: { waiting: 3 } };
    });
    assert.match((await metrics.scrape()).body, /^t_queue_jobs\{queue="q",state="waiting"\} 3$/m);
    up = false;
    assert.doesNotMatch((await metrics.scrape()).body, /^t_queue_jobs\{/m);
  });
});

describe('child telemetry and observer composition', () => {
  test('only well-formed messages of our command are telemetry', () => {
    assert.deepEqual(parseTelemetry({ cmd: TELEMETRY_CMD, event: 'ffmpeg-crash', signal: 'SIGSEGV' }), { event: 'ffmpeg-crash', signal: 'SIGSEGV' });
    assert.equal(parseTelemetry({ cmd: 1, value: {} }), undefined, 'BullMQ messages are not ours');
    assert.equal(parseTelemetry({ cmd: TELEMETRY_CMD, event: 'ffmpeg-crash', signal: 'x'.repeat(100) }), undefined);
    assert.equal(parseTelemetry(null), undefined);
  });

  test('sending is a no-op without a connected IPC channel', () => {
    const sent: unknown[] = [];
    sendTelemetry({ event: 'ffmpeg-crash', signal: 'SIGSEGV' }, { connected: false, send: (m: unknown) => sent.push(m) > 0 });
    assert.equal(sent.length, 0);
    sendTelemetry({ event: 'ffmpeg-crash', signal: 'SIGSEGV' }, { connected: true, send: (m: unknown) => sent.push(m) > 0 });
    assert.deepEqual(sent, [{ cmd: TELEMETRY_CMD, event: 'ffmpeg-crash', signal: 'SIGSEGV' }]);
  });

  test('one observer throwing does not stop the others', () => {
    const seen: string[] = [];
    const composed = composeObservers([
      { onCompleted: () => { throw new Error('boom'); } },
      { onCompleted: (queue) => seen.push(queue) },
    ], silentLogger);
    composed.onCompleted?.('q', {} as Job);
    assert.deepEqual(seen, ['q']);
  });
});
