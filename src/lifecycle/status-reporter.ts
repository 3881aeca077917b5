/**
 * Reports job status to the platform API through the durable outbox.
 *
 * Every update is first appended to the job's list in Redis (so it survives an
 * API outage and a worker restart), then delivered in order by the delivery
 * loop. The outbox refuses anything that would regress a finished job and
 * coalesces progress; here, progress is also throttled to one update per
 * `progressIntervalMs` per job (the latest value wins). `report` never throws
 * and never blocks the caller: a failing API can slow delivery, never jobs.
 */
import type { JobStatusUpdate } from '../api/client.js';
import { errorInfo } from '../errors/job-errors.js';
import type { Logger } from '../logger.js';
import type { OutboxStore } from '../status/outbox-store.js';
import type { Delivery } from '../status/delivery.js';
import { recordKind } from '../status/outbox-record.js';

export interface StatusReporter {
  /** `attempt` is BullMQ's attemptsStarted when the update was made. */
  report(jobId: string, update: JobStatusUpdate, attempt: number): void;
  reportProgress(jobId: string, progress: unknown, attempt: number): void;
  /** Delivers what it can before `timeoutMs`; returns updates left in the outbox (kept, not lost). */
  flush(timeoutMs: number): Promise<number>;
  /** Updates not yet delivered: being stored here plus the outbox backlog last seen. */
  pending(): number;
}

export interface StatusReporterOptions {
  store: OutboxStore;
  delivery: Delivery;
  logger: Logger;
  progressIntervalMs?: number;
}

interface ProgressState {
  lastSentAt: number;
  timer: NodeJS.Timeout | undefined;
  latest: unknown;
  attempt: number;
}

export function createStatusReporter(options: StatusReporterOptions): StatusReporter {
  const { store, delivery, logger } = options;
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  const progress = new Map<string, ProgressState>();
  const storing = new Set<Promise<void>>();

  const append = (jobId: string, update: JobStatusUpdate, attempt: number, isProgress: boolean): void => {
    const record = { kind: recordKind(update, isProgress), attempt, update, at: Date.now() };
    const stored = store.append(jobId, record).then(
      (outcome) => {
        if (outcome === 'refused') logger.debug('status update refused: job already final', { jobId, status: update.status });
        else delivery.kick(jobId);
      },
      (error: unknown) => logger.error('could not store status update', { jobId, status: update.status, error: errorInfo(error).message }),
    );
    storing.add(stored);
    void stored.finally(() => storing.delete(stored));
  };

  const sendProgress = (jobId: string, state: ProgressState): void => {
    state.timer = undefined;
    state.lastSentAt = Date.now();
    append(jobId, { status: 'running', result: { progress: state.latest } }, state.attempt, true);
  };

  return {
    report(jobId, update, attempt) {
      const state = progress.get(jobId);
      if (state) {
        clearTimeout(state.timer);
        state.timer = undefined;
      }
      // Progress bookkeeping ends with the job; a later attempt starts afresh.
      if (update.status !== 'running') progress.delete(jobId);
      append(jobId, update, attempt, false);
    },
    reportProgress(jobId, value, attempt) {
      let state = progress.get(jobId);
      if (!state) {
        state = { lastSentAt: 0, timer: undefined, latest: value, attempt };
        progress.set(jobId, state);
      }
      state.latest = value;
      state.attempt = attempt;
      if (state.timer) return;
      const wait = state.lastSentAt + progressIntervalMs - Date.now();
      if (wait <= 0) sendProgress(jobId, state);
      else state.timer = setTimeout(() => sendProgress(jobId, state), wait);
    },
    async flush(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (const [jobId, state] of progress) if (state.timer) { clearTimeout(state.timer); sendProgress(jobId, state); }
      await Promise.allSettled([...storing]);
      await delivery.drainUntil(deadline);
      return delivery.lastBacklog();
    },
    pending: () => storing.size + delivery.lastBacklog(),
  };
}
