/**
 * Delivers job status updates to the platform API.
 *
 * Guarantees, per job: updates are delivered in the order they were reported;
 * nothing non-final is sent after a final status (no `running` after
 * `succeeded`); progress is throttled to one PATCH per `progressIntervalMs`
 * (the latest value wins); network errors and 5xx are retried with back-off.
 * `report` never throws and never blocks the caller: a failing API can slow
 * delivery, never job processing.
 */
import type { JobStatusUpdate } from '../api/client.js';
import { errorInfo } from '../errors/job-errors.js';
import type { Logger } from '../logger.js';
import { sleep } from '../util/abort.js';

export interface StatusReporter {
  report(jobId: string, update: JobStatusUpdate): void;
  reportProgress(jobId: string, progress: unknown): void;
  /** Waits until everything queued is delivered or `timeoutMs` passes; returns what is left. */
  flush(timeoutMs: number): Promise<number>;
  /** Updates queued or in flight, across all jobs. */
  pending(): number;
}

export interface StatusReporterOptions {
  patchJob: (jobId: string, update: JobStatusUpdate, signal?: AbortSignal) => Promise<void>;
  logger: Logger;
  progressIntervalMs?: number;
  maxDeliveryAttempts?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Called when an update is given up on (for metrics). */
  onDeliveryFailure?: (jobId: string, update: JobStatusUpdate, error: unknown) => void;
}

interface JobState {
  chain: Promise<void>;
  queued: number;
  finalQueued: boolean;
  lastProgressAt: number;
  progressTimer: NodeJS.Timeout | undefined;
  latestProgress: unknown;
}

// After a final status, forget the job after this long (bounds memory, and lets a
// job that is deliberately re-run later report again).
const FORGET_AFTER_FINAL_MS = 60_000;

export function createStatusReporter(options: StatusReporterOptions): StatusReporter {
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  const maxAttempts = options.maxDeliveryAttempts ?? 6;
  const baseDelay = options.retryBaseDelayMs ?? 500;
  const maxDelay = options.retryMaxDelayMs ?? 8000;
  const jobs = new Map<string, JobState>();
  const stopDelivery = new AbortController();
  let inFlight = 0;

  const stateOf = (jobId: string): JobState => {
    let state = jobs.get(jobId);
    if (!state) {
      state = { chain: Promise.resolve(), queued: 0, finalQueued: false, lastProgressAt: 0, progressTimer: undefined, latestProgress: undefined };
      jobs.set(jobId, state);
    }
    return state;
  };

  const deliver = async (jobId: string, update: JobStatusUpdate): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await options.patchJob(jobId, update, stopDelivery.signal);
        return;
      } catch (error) {
        const info = errorInfo(error);
        const retryable = info.name !== 'UnrecoverableError' && !stopDelivery.signal.aborted;
        if (!retryable || attempt >= maxAttempts) {
          options.logger.error('status update not delivered', { jobId, status: update.status, code: info.code, error: info.message, attempts: attempt });
          options.onDeliveryFailure?.(jobId, update, error);
          return;
        }
        options.logger.warn('status update failed, retrying', { jobId, status: update.status, code: info.code, attempt });
        try {
          await sleep(Math.min(maxDelay, baseDelay * 2 ** (attempt - 1)), stopDelivery.signal);
        } catch {
          // Aborted by flush's deadline: the loop ends on the next check.
        }
      }
    }
  };

  const enqueue = (jobId: string, state: JobState, update: JobStatusUpdate): void => {
    state.queued += 1;
    inFlight += 1;
    state.chain = state.chain
      .then(() => deliver(jobId, update))
      .finally(() => {
        state.queued -= 1;
        inFlight -= 1;
        if (state.finalQueued && state.queued === 0) {
          setTimeout(() => { if (jobs.get(jobId) === state && state.queued === 0) jobs.delete(jobId); }, FORGET_AFTER_FINAL_MS).unref();
        }
      });
  };

  const sendLatestProgress = (jobId: string, state: JobState): void => {
    state.progressTimer = undefined;
    if (state.finalQueued) return;
    state.lastProgressAt = Date.now();
    enqueue(jobId, state, { status: 'running', result: { progress: state.latestProgress } });
  };

  return {
    report(jobId, update) {
      const state = stateOf(jobId);
      if (state.finalQueued) {
        options.logger.debug('status update dropped after final status', { jobId, status: update.status });
        return;
      }
      clearTimeout(state.progressTimer);
      state.progressTimer = undefined;
      if (update.status !== 'running') state.finalQueued = true;
      enqueue(jobId, state, update);
    },
    reportProgress(jobId, progress) {
      const state = stateOf(jobId);
      if (state.finalQueued) return;
      state.latestProgress = progress;
      if (state.progressTimer) return;
      const wait = state.lastProgressAt + progressIntervalMs - Date.now();
      if (wait <= 0) sendLatestProgress(jobId, state);
      else state.progressTimer = setTimeout(() => sendLatestProgress(jobId, state), wait);
    },
    async flush(timeoutMs) {
      for (const [jobId, state] of jobs) {
        // A throttled progress update still waiting is sent now rather than lost.
        if (state.progressTimer) {
          clearTimeout(state.progressTimer);
          sendLatestProgress(jobId, state);
        }
      }
      const everything = Promise.all([...jobs.values()].map((state) => state.chain));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); });
      await Promise.race([everything, deadline]);
      clearTimeout(timer);
      if (inFlight > 0) stopDelivery.abort();
      return inFlight;
    },
    pending: () => inFlight,
  };
}
