/**
 * The job status lifecycle, written once for all queues: BullMQ Worker events
 * become status updates at the platform API. Handlers never throw: a bad job,
 * a missing jobId or a failing API is logged and the worker carries on.
 */
import type { Job } from 'bullmq';
import type { Logger } from '../logger.js';
import { errorInfo, isPlainObject } from '../errors/job-errors.js';
import type { StatusReporter } from './status-reporter.js';
import { crashSignal, isFinalFailure, summarizeFailure } from './failure.js';

/** The subset of a BullMQ Worker's events the lifecycle listens to. */
export interface WorkerEvents {
  on(event: 'active', listener: (job: Job) => void): unknown;
  on(event: 'progress', listener: (job: Job, progress: unknown) => void): unknown;
  on(event: 'completed', listener: (job: Job, result: unknown) => void): unknown;
  on(event: 'failed', listener: (job: Job | undefined, error: Error) => void): unknown;
}

/** Observers for metrics and alerts; all optional. */
export interface LifecycleObserver {
  onActive?(queue: string, job: Job): void;
  onCompleted?(queue: string, job: Job): void;
  onFailed?(queue: string, job: Job | undefined, final: boolean, code: string, crashedBy: string | undefined): void;
}

export interface LifecycleOptions {
  queue: string;
  reporter: StatusReporter;
  logger: Logger;
  observer?: LifecycleObserver;
}

export function attachLifecycle(worker: WorkerEvents, options: LifecycleOptions): void {
  const { queue, reporter, observer } = options;
  const scoped = (job: Job): Logger =>
    options.logger.child({ queue, jobId: apiJobId(job), queueJobId: job.id, attempt: job.attemptsStarted });
  const guard = <A extends unknown[]>(event: string, handler: (...args: A) => void) =>
    (...args: A): void => {
      try {
        handler(...args);
      } catch (error) {
        options.logger.error('lifecycle handler failed', { queue, event, error: errorInfo(error).message });
      }
    };
  const warnedMissingId = new WeakSet<Job>();
  const syncId = (job: Job): string | undefined => {
    const id = apiJobId(job);
    if (id === undefined && !warnedMissingId.has(job)) {
      warnedMissingId.add(job);
      scoped(job).warn('job has no jobId; processing it without status sync');
    }
    return id;
  };

  worker.on('active', guard('active', (job: Job) => {
    scoped(job).info('job started');
    observer?.onActive?.(queue, job);
    const id = syncId(job);
    if (id) reporter.report(id, { status: 'running' }, job.attemptsStarted);
  }));

  worker.on('progress', guard('progress', (job: Job, progress: unknown) => {
    const id = syncId(job);
    if (id) reporter.reportProgress(id, progress, job.attemptsStarted);
  }));

  worker.on('completed', guard('completed', (job: Job, result: unknown) => {
    const durationMs = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : undefined;
    scoped(job).info('job succeeded', { durationMs });
    observer?.onCompleted?.(queue, job);
    const id = syncId(job);
    if (id) reporter.report(id, successUpdate(result), job.attemptsStarted);
  }));

  worker.on('failed', guard('failed', (job: Job | undefined, error: Error) => {
    const summary = summarizeFailure(error);
    const crashedBy = crashSignal(error);
    if (!job) {
      options.logger.error('job failed (job record unavailable)', { queue, code: summary.code, error: summary.message });
      observer?.onFailed?.(queue, undefined, true, summary.code, crashedBy);
      return;
    }
    const attempts = job.opts.attempts ?? 1;
    const final = isFinalFailure(error, { attemptsMade: job.attemptsMade, attempts, finishedOn: job.finishedOn });
    scoped(job)[final ? 'error' : 'warn'](final ? 'job failed' : 'attempt failed, will retry', {
      code: summary.code, error: summary.message, attemptsMade: job.attemptsMade, attempts,
    });
    observer?.onFailed?.(queue, job, final, summary.code, crashedBy);
    const id = syncId(job);
    if (!id) return;
    if (final) {
      reporter.report(id, {
        status: 'failed',
        result: { message: summary.message, code: summary.code, attemptsMade: job.attemptsMade, attempts, ...(summary.details ? { details: summary.details } : {}) },
      }, job.attemptsStarted);
    } else {
      reporter.report(id, {
        status: 'running',
        result: { progress: { stage: 'retrying', attempt: job.attemptsMade, attempts, error: summary.message, code: summary.code } },
      }, job.attemptsStarted);
    }
  }));
}

/** The platform API's id for a job, when the job carries a usable one. */
export function apiJobId(job: Pick<Job, 'data'>): string | undefined {
  const data: unknown = job.data;
  if (!isPlainObject(data)) return undefined;
  const id = data.jobId;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
}

/** `succeeded` update; a numeric `costTok` in the result is lifted to the top level. */
export function successUpdate(result: unknown): { status: 'succeeded'; result: Record<string, unknown>; costTok?: number } {
  if (!isPlainObject(result)) return { status: 'succeeded', result: { value: result ?? null } };
  const { costTok, ...rest } = result;
  return typeof costTok === 'number'
    ? { status: 'succeeded', result: rest, costTok }
    : { status: 'succeeded', result };
}
