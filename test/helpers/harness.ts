/**
 * The common rig of the supervisor integration tests: a private Redis, the API
 * stand-in, a temp dir, and a helper to enqueue jobs the way the API does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { enqueueJob } from '../../src/enqueue.js';
import type { QueueName } from '../../src/queues.js';
import { startRedis, type TestRedis } from './redis-server.js';
import { startApiStandIn, type ApiStandIn, type StatusPatch } from './api-server.js';
import { waitFor } from './wait-for.js';

export interface Rig {
  redis: TestRedis;
  api: ApiStandIn;
  tmpDir: string;
  prefix: string;
  connection: Redis;
  enqueue(queue: QueueName, payload: Record<string, unknown>, options?: { attempts?: number; jobId?: string }): Promise<{ jobId: string; queueJobId: string }>;
  /** Waits for a `succeeded` or `failed` PATCH and returns all PATCHes of the job. */
  waitForFinal(jobId: string, timeoutMs?: number): Promise<StatusPatch[]>;
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export async function startRig(options: { appendOnly?: boolean } = {}): Promise<Rig> {
  const redis = await startRedis(options);
  const api = await startApiStandIn();
  const tmpDir = await mkdtemp(join(tmpdir(), 'worker-test-tmp-'));
  const connection = redis.client();
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const queues = new Map<QueueName, Queue>();
  return {
    redis, api, tmpDir, prefix, connection,
    enqueue: (queue, payload, opts = {}) =>
      enqueueJob(queue, payload, { connection, prefix, attempts: opts.attempts ?? 2, backoffDelayMs: 100, ...(opts.jobId ? { jobId: opts.jobId } : {}) }),
    waitForFinal: (jobId, timeoutMs = 20_000) =>
      waitFor(`final status of ${jobId}`, () => {
        const patches = api.patches(jobId);
        return patches.some((p) => p.status === 'succeeded' || p.status === 'failed') ? patches : undefined;
      }, timeoutMs),
    queue(name) {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, { connection, prefix });
        queues.set(name, queue);
      }
      return queue;
    },
    async close() {
      for (const queue of queues.values()) await queue.close();
      connection.disconnect();
      await api.stop();
      await redis.destroy();
      await rm(tmpDir, { recursive: true, force: true });
    },
  };
}

/** The statuses of a PATCH sequence, with `retrying` marked, for compact assertions. */
export function statusTrail(patches: StatusPatch[]): string[] {
  return patches
    .filter((p) => !(p.status === 'running' && isProgress(p) && !isRetrying(p)))
    .map((p) => (isRetrying(p) ? 'retrying' : p.status));
}

function isProgress(p: StatusPatch): boolean {
  return p.result !== undefined && 'progress' in p.result;
}

function isRetrying(p: StatusPatch): boolean {
  const progress = p.result?.progress as { stage?: string } | undefined;
  return progress?.stage === 'retrying';
}
