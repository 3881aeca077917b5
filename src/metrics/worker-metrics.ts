/**
 * The supervisor's Prometheus metrics (prom-client, one private registry). Job
 * counters and durations come from the lifecycle; crashes from the child pool
 * (each child death counted once, at its exit) and from child telemetry
 * (ffmpeg); queue depth and undelivered status updates are read on scrape.
 * Every hook is cheap and never throws: metrics must not disturb the worker.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SupervisorObserver } from '../supervisor/supervisor.js';
import type { Logger } from '../logger.js';
import { errorInfo } from '../errors/job-errors.js';
import { DEPTH_STATES, crashLabel, failureOutcome, jobDurationSeconds, metricNames } from './names.js';

/** Job counts per queue and state, as BullMQ's `getJobCounts` returns them. */
export type QueueDepth = Record<string, Record<string, number>>;

export interface WorkerMetricsDeps {
  prefix: string;
  /** Reads queue depth; called on every scrape. */
  readQueueDepth(): Promise<QueueDepth>;
  /** Status updates not yet delivered to the API (the reporter's `pending()`). */
  pendingStatusUpdates(): number;
  logger: Logger;
}

export interface WorkerMetrics {
  /** Plug into the supervisor (compose with other observers). */
  observer: SupervisorObserver;
  /** Call from the status reporter's `onDeliveryFailure`. */
  statusSyncFailed(): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

// Buckets from one second to two hours: content jobs take seconds, LoRA training hours.
const DURATION_BUCKETS = [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

export function createWorkerMetrics(deps: WorkerMetricsDeps): WorkerMetrics {
  const names = metricNames(deps.prefix);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: deps.prefix });
  const completed = new Counter({ name: names.jobsCompleted, help: 'Jobs completed, per queue', labelNames: ['queue'], registers: [registry] });
  const failed = new Counter({
    name: names.jobsFailed, help: 'Failed job attempts, per queue; outcome final (no retry left) or retried', labelNames: ['queue', 'outcome'], registers: [registry],
  });
  const duration = new Histogram({
    name: names.jobDuration, help: 'Run time of finished jobs in seconds, per queue and status', labelNames: ['queue', 'status'], buckets: DURATION_BUCKETS, registers: [registry],
  });
  const childCrashes = new Counter({
    name: names.childCrashes, help: 'Processor child processes that died unexpectedly, per queue and signal (exit-<code> for a non-zero exit)', labelNames: ['queue', 'signal'], registers: [registry],
  });
  const ffmpegCrashes = new Counter({ name: names.ffmpegCrashes, help: 'ffmpeg runs that crashed, per queue and signal', labelNames: ['queue', 'signal'], registers: [registry] });
  const syncFailures = new Counter({ name: names.statusSyncFailures, help: 'Status updates given up on after all delivery attempts', registers: [registry] });
  new Gauge({
    name: names.statusUpdatesPending, help: 'Status updates queued or in flight to the platform API', registers: [registry],
    collect() { this.set(deps.pendingStatusUpdates()); },
  });
  new Gauge({
    name: names.queueJobs, help: 'Jobs in the queue per state (read on scrape)', labelNames: ['queue', 'state'], registers: [registry],
    async collect() {
      // Stale numbers would mislead: when Redis cannot answer, the series disappear.
      this.reset();
      try {
        const depth = await deps.readQueueDepth();
        for (const [queue, counts] of Object.entries(depth)) {
          for (const state of DEPTH_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      } catch (error) {
        deps.logger.warn('queue depth unavailable for metrics', { error: errorInfo(error).message });
      }
    },
  });

  return {
    observer: {
      onCompleted(queue, job) {
        completed.inc({ queue });
        const seconds = jobDurationSeconds(job);
        if (seconds !== undefined) duration.observe({ queue, status: 'completed' }, seconds);
      },
      onFailed(queue, job, final) {
        failed.inc({ queue, outcome: failureOutcome(final) });
        const seconds = final && job ? jobDurationSeconds(job) : undefined;
        if (seconds !== undefined) duration.observe({ queue, status: 'failed' }, seconds);
      },
      onChildExit(exit, queue) {
        const signal = exit.expected ? undefined : crashLabel(exit);
        if (signal !== undefined) childCrashes.inc({ queue, signal });
      },
      onChildTelemetry(event, queue) {
        if (event.event === 'ffmpeg-crash') ffmpegCrashes.inc({ queue, signal: event.signal });
      },
    },
    statusSyncFailed: () => syncFailures.inc(),
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
