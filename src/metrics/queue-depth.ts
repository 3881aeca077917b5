/**
 * Queue depth for the metrics: one BullMQ Queue per consumed queue on the
 * supervisor's shared connection (no extra sockets), read with `getJobCounts`
 * under a deadline so a scrape never hangs while Redis is away (the shared
 * connection queues commands until it reconnects).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueName } from '../queues.js';
import { DEPTH_STATES } from './names.js';
import type { QueueDepth } from './worker-metrics.js';

export interface QueueHandles {
  readonly queues: ReadonlyMap<QueueName, Queue>;
  readDepth(timeoutMs?: number): Promise<QueueDepth>;
  /** Closes the Queues; the shared connection stays open (main closes it). */
  close(): Promise<void>;
}

export function createQueueHandles(options: { names: readonly QueueName[]; connection: Redis; prefix: string | undefined }): QueueHandles {
  const queues = new Map<QueueName, Queue>(
    options.names.map((name) => [name, new Queue(name, { connection: options.connection, ...(options.prefix ? { prefix: options.prefix } : {}) })]),
  );
  return {
    queues,
    async readDepth(timeoutMs = 2000) {
      if (options.connection.status !== 'ready') throw new Error(`redis not connected (${options.connection.status})`);
      const reads = Promise.all([...queues].map(async ([name, queue]) => [name, await queue.getJobCounts(...DEPTH_STATES)] as const));
      return Object.fromEntries(await withDeadline(reads, timeoutMs, 'queue depth'));
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close().catch(() => undefined)));
    },
  };
}

/** Resolves like `promise`, or rejects after `ms`; the timer never outlives the race. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
