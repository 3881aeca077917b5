/**
 * Keeps a worker's child pool within its concurrency. BullMQ's pool never
 * shrinks: a child that was busy when concurrency was lowered goes back to the
 * free list when its job ends. So this runs when concurrency changes and again
 * after every job, releasing idle children until busy + idle <= the limit.
 */
import type { GuardedChildPool } from './guarded-child-pool.js';

export type TrimmablePool = Pick<GuardedChildPool, 'size' | 'getFree' | 'trimIdle'>;

/** Idle children to keep so that the pool holds at most `limit` children. Pure. */
export function idleToKeep(total: number, idle: number, limit: number): number {
  const busy = total - idle;
  return Math.max(0, Math.min(idle, limit - busy));
}

/** Releases idle children of `processFile` above the limit; returns how many. */
export async function trimToLimit(pool: TrimmablePool, processFile: string, limit: number): Promise<number> {
  const total = pool.size();
  if (total <= limit) return 0;
  return pool.trimIdle(processFile, idleToKeep(total, pool.getFree(processFile).length, limit));
}
