/**
 * A safety net for final statuses. The lifecycle reports a job's end from the
 * Worker's own 'completed'/'failed' events, but a job can finish in Redis
 * without that event: e.g. when Redis restarts while `moveToFinished` is in
 * flight, ioredis replays it, the replay fails with "Missing lock", and the
 * worker never emits the event (seen under `npm run chaos`). Redis's own event
 * stream (QueueEvents) records the finish either way, so shortly after each
 * finish this reads the job back and reports its final status once more. The
 * outbox refuses a second final for the same attempt, so in the normal case
 * this changes nothing; in the lost case it is the only report.
 */
import { Job, Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { errorInfo } from '../errors/job-errors.js';
import type { StatusReporter } from './status-reporter.js';
import type { LifecycleObserver } from './lifecycle.js';
import { apiJobId, successUpdate } from './lifecycle.js';
import { summarizeFailure } from './failure.js';

export interface FinalReconcilerOptions {
  queues: readonly string[];
  /** Connection options (not a client): each QueueEvents needs a blocking connection of its own. */
  connection: ConnectionOptions;
  /** The supervisor's shared client, for reading jobs back (no extra connection per queue). */
  client: Redis;
  prefix?: string | undefined;
  reporter: StatusReporter;
  logger: Logger;
  /** Lets the worker's own event report first (it carries the error code and details). */
  delayMs?: number;
}

export interface FinalReconciler {
  /**
   * Feed it the lifecycle's events: finishes this process already reported are
   * skipped, so in the normal case the safety net costs no Redis round trip.
   */
  observer: Required<Pick<LifecycleObserver, 'onCompleted' | 'onFailed'>>;
  close(): Promise<void>;
}

// Bounds the memory of finishes seen locally whose stream event never came back.
const MAX_REMEMBERED = 10_000;

export function startFinalReconciler(options: FinalReconcilerOptions): FinalReconciler {
  const delayMs = options.delayMs ?? 3000;
  const timers = new Set<NodeJS.Timeout>();
  const closers: Array<() => Promise<void>> = [];
  const prefixOption = options.prefix ? { prefix: options.prefix } : {};
  const reportedHere = new Set<string>();
  const remember = (queue: string, queueJobId: string | undefined): void => {
    if (queueJobId === undefined) return;
    reportedHere.add(`${queue}:${queueJobId}`);
    if (reportedHere.size > MAX_REMEMBERED) reportedHere.delete(reportedHere.values().next().value as string);
  };

  for (const name of options.queues) {
    const events = new QueueEvents(name, { connection: options.connection, ...prefixOption });
    const queue = new Queue(name, { connection: options.client, ...prefixOption });
    events.on('error', (error) => options.logger.debug('queue events error', { queue: name, error: error.message }));
    queue.on('error', (error) => options.logger.debug('queue error', { queue: name, error: error.message }));

    const recheck = (queueJobId: string): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (reportedHere.delete(`${name}:${queueJobId}`)) return;
        void reportFinal(queue, queueJobId, options).catch((error: unknown) =>
          options.logger.debug('final status re-check failed', { queue: name, queueJobId, error: errorInfo(error).message }));
      }, delayMs);
      timers.add(timer);
    };
    events.on('completed', ({ jobId }) => recheck(jobId));
    events.on('failed', ({ jobId }) => recheck(jobId));
    closers.push(async () => {
      // close() can wait for ever when the connection went through a Redis
      // restart (seen in the monitor test); nothing is lost by cutting it short.
      await closeWithin(() => events.close(), CLOSE_TIMEOUT_MS, () => events.disconnect());
      await closeWithin(() => queue.close(), CLOSE_TIMEOUT_MS, () => queue.disconnect());
    });
  }

  return {
    observer: {
      onCompleted: (queue, job) => remember(queue, job.id),
      onFailed: (queue, job, final) => { if (final) remember(queue, job?.id); },
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}

const CLOSE_TIMEOUT_MS = 2000;

async function closeWithin(close: () => Promise<void>, ms: number, force: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); });
  const outcome = await Promise.race([close().then(() => 'closed' as const, () => 'closed' as const), timedOut]);
  clearTimeout(timer);
  // disconnect() can hang the same way; fire it and move on (the process is stopping).
  if (outcome === 'timeout') void force().catch(() => undefined);
}

async function reportFinal(queue: Queue, queueJobId: string, options: FinalReconcilerOptions): Promise<void> {
  const job = await Job.fromId(queue, queueJobId);
  const id = job ? apiJobId(job) : undefined;
  if (!job || !id) return;
  const state = await job.getState();
  if (state === 'completed') {
    options.reporter.report(id, successUpdate(job.returnvalue), job.attemptsStarted);
  } else if (state === 'failed') {
    const summary = summarizeFailure({ message: job.failedReason });
    options.reporter.report(id, {
      status: 'failed',
      result: { message: summary.message, code: summary.code, attemptsMade: job.attemptsMade, attempts: job.opts.attempts ?? 1 },
    }, job.attemptsStarted);
  }
}
