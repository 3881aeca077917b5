/**
 * Fleet-wide caps through BullMQ's global concurrency (bullmq 6.7.6: a
 * `concurrency` field in the queue's meta hash, checked by moveToActive against
 * the length of the active list). It lives in Redis, so it binds every worker
 * host on that Redis; the last host to set it wins.
 */
import type { Queue } from 'bullmq';
import type { Logger } from '../logger.js';

export type GlobalConcurrencyQueue = Pick<Queue, 'name' | 'setGlobalConcurrency' | 'removeGlobalConcurrency' | 'getGlobalConcurrency'>;

/**
 * Applies one queue's configured cap: a number >= 1 sets it, 0 removes it, and
 * undefined (variable unset) leaves whatever another host or an operator set,
 * because one host cannot know that no other host wants the cap. What is in
 * force afterwards is logged either way.
 */
export async function applyGlobalConcurrency(queue: GlobalConcurrencyQueue, cap: number | undefined, logger: Logger): Promise<number | null> {
  if (cap === undefined) {
    const existing = await queue.getGlobalConcurrency();
    if (existing !== null) logger.info('fleet-wide concurrency cap in force (set elsewhere, left as is)', { queue: queue.name, globalConcurrency: existing });
    return existing;
  }
  if (cap === 0) {
    await queue.removeGlobalConcurrency();
    logger.info('fleet-wide concurrency cap removed', { queue: queue.name });
    return null;
  }
  await queue.setGlobalConcurrency(cap);
  logger.info('fleet-wide concurrency cap set', { queue: queue.name, globalConcurrency: cap });
  return cap;
}
