/**
 * Adds a job exactly as the platform API does: job name = queue name, data
 * `{jobId, payload}`, the configured attempts and exponential back-off.
 * Used by the enqueue CLI, the tests and the demo.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueJobData, QueueName } from './queues.js';

export interface EnqueueOptions {
  connection: Redis;
  prefix?: string | undefined;
  attempts: number;
  backoffDelayMs: number;
  jobId?: string;
  priority?: number;
}

/** Returns the platform job id (`data.jobId`) and BullMQ's job id. */
export async function enqueueJob(
  queueName: QueueName,
  payload: Record<string, unknown>,
  options: EnqueueOptions,
): Promise<{ jobId: string; queueJobId: string }> {
  const queue = new Queue<QueueJobData>(queueName, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  });
  try {
    const jobId = options.jobId ?? randomUUID();
    const job = await queue.add(queueName, { jobId, payload }, {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffDelayMs },
      ...(options.priority ? { priority: options.priority } : {}),
    });
    return { jobId, queueJobId: job.id ?? '' };
  } finally {
    await queue.close();
  }
}
