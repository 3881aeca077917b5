/**
 * Delivers the outbox to the platform API. Any supervisor can deliver any job's
 * updates (a restarted or a sibling host picks up a dead one's backlog), one
 * process per job at a time (a lease), oldest first, removing an update only
 * after the API accepted it. While the API fails, delivery backs off as a
 * whole rather than hammering it per job.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { JobStatusUpdate } from '../api/client.js';
import { errorInfo, isUnrecoverable } from '../errors/job-errors.js';
import type { Logger } from '../logger.js';
import { decodeRecord } from './outbox-record.js';
import type { OutboxStore } from './outbox-store.js';

export interface DeliveryOptions {
  store: OutboxStore;
  patchJob: (jobId: string, update: JobStatusUpdate, signal?: AbortSignal) => Promise<void>;
  logger: Logger;
  /** How often the whole backlog is swept (other hosts' leftovers, retries). */
  sweepIntervalMs?: number;
  /** Must exceed the PATCH timeout, so a slow PATCH never overlaps another host's. */
  leaseMs?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  onDeliveryFailure?: (jobId: string, update: JobStatusUpdate, error: unknown) => void;
}

export interface Delivery {
  /** Starts delivering this job's updates now (no-op while backing off). */
  kick(jobId: string): void;
  start(): void;
  /** Delivers what it can until `deadline`; stops the sweep. */
  drainUntil(deadline: number): Promise<void>;
  /** Jobs being delivered by this process right now. */
  active(): number;
  lastBacklog(): number;
}

export function createDelivery(options: DeliveryOptions): Delivery {
  const owner = randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
  const baseDelay = options.retryBaseDelayMs ?? 500;
  const maxDelay = options.retryMaxDelayMs ?? 15_000;
  const draining = new Map<string, Promise<void>>();
  const stop = new AbortController();
  // Every in-flight PATCH listens on this one signal; many at once is expected, not a leak.
  setMaxListeners(0, stop.signal);
  let failures = 0;
  let pausedUntil = 0;
  let backlog = 0;
  let sweepTimer: NodeJS.Timeout | undefined;

  const deliverOne = async (jobId: string): Promise<boolean> => {
    const raw = await options.store.peek(jobId);
    if (raw === undefined) return false;
    const record = decodeRecord(raw);
    if (!record) {
      options.logger.error('dropping unreadable status record', { jobId });
      await options.store.ack(jobId, raw);
      return true;
    }
    try {
      await options.patchJob(jobId, record.update, stop.signal);
      failures = 0;
    } catch (error) {
      options.onDeliveryFailure?.(jobId, record.update, error);
      if (!isUnrecoverable(errorInfo(error))) throw error;
      // The API refused this update for good (e.g. 404: it has no such job).
      options.logger.error('status update refused by the API', { jobId, status: record.update.status, ...describe(error) });
    }
    await options.store.ack(jobId, raw);
    return true;
  };

  const drain = async (jobId: string): Promise<void> => {
    while (Date.now() >= pausedUntil && !stop.signal.aborted) {
      if (!(await options.store.lease(jobId, owner, leaseMs))) return;
      try {
        if (!(await deliverOne(jobId))) return;
      } catch (error) {
        failures += 1;
        const delay = Math.min(maxDelay, baseDelay * 2 ** (failures - 1));
        pausedUntil = Date.now() + delay;
        options.logger.warn('status delivery failing; backing off', { jobId, retryInMs: delay, ...describe(error) });
        return;
      } finally {
        await options.store.release(jobId, owner).catch(() => undefined);
      }
    }
  };

  const kick = (jobId: string): void => {
    if (draining.has(jobId) || Date.now() < pausedUntil) return;
    const run = drain(jobId)
      .catch((error: unknown) => options.logger.warn('status delivery error', { jobId, ...describe(error) }))
      .finally(() => draining.delete(jobId));
    draining.set(jobId, run);
  };

  const sweep = async (): Promise<void> => {
    try {
      backlog = await options.store.backlog();
      if (backlog === 0 || Date.now() < pausedUntil) return;
      for (const jobId of await options.store.pendingJobs(200)) kick(jobId);
    } catch (error) {
      options.logger.debug('status sweep failed', describe(error));
    }
  };

  return {
    kick,
    active: () => draining.size,
    lastBacklog: () => backlog,
    start() {
      const interval = options.sweepIntervalMs ?? 1000;
      const loop = (): void => {
        sweepTimer = setTimeout(() => void sweep().finally(() => { if (!stop.signal.aborted) loop(); }), interval);
        sweepTimer.unref();
      };
      loop();
    },
    async drainUntil(deadline) {
      clearTimeout(sweepTimer);
      pausedUntil = 0;
      for (;;) {
        await Promise.race([Promise.all(draining.values()), sleepUntil(deadline)]);
        if (Date.now() >= deadline) break;
        backlog = await options.store.backlog().catch(() => 0);
        if (backlog === 0) break;
        if (draining.size === 0) {
          if (Date.now() < pausedUntil) await sleepUntil(Math.min(deadline, pausedUntil));
          for (const jobId of await options.store.pendingJobs(200)) kick(jobId);
          if (draining.size === 0) await sleepUntil(Math.min(deadline, Date.now() + 100));
        }
      }
      stop.abort();
      await Promise.allSettled(draining.values());
    },
  };
}

function describe(error: unknown): Record<string, unknown> {
  const info = errorInfo(error);
  return { code: info.code, error: info.message };
}

/** An unref'd wait: it never keeps the process alive on its own. */
function sleepUntil(deadline: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref());
}
