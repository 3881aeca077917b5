/**
 * The registry of the three queues. The platform API enqueues jobs with
 * name = queue name and data {@link QueueJobData}; this file is the single
 * place that knows the names.
 */
export const QUEUE_NAMES = ['content-generation', 'video-generation', 'lora-training'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * Data of every job on every queue, as the platform API enqueues it.
 * `jobId` is the API's job record id (not BullMQ's job id); `payload` is
 * validated by the queue's pipeline.
 */
export interface QueueJobData {
  jobId: string;
  payload: Record<string, unknown>;
}

/** File name of a queue's compiled sandboxed processor inside the processor directory. */
export function processorFileName(queue: QueueName): string {
  return `${queue}.js`;
}

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}
