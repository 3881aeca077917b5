/**
 * Pure bookkeeping of consecutive final failures per queue. An alert is due
 * exactly once per streak, when it reaches the threshold; a success ends the
 * streak, so the next run of failures alerts again. Retried attempts do not
 * count: only failures BullMQ will not run again.
 */

export interface FailureStreaks {
  /** Records a final failure; returns the streak length when an alert is due now. */
  failed(queue: string): number | undefined;
  /** Records a success on the queue (ends its streak). */
  succeeded(queue: string): void;
  current(queue: string): number;
}

export function createFailureStreaks(threshold: number): FailureStreaks {
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`threshold must be an integer >= 1, got ${threshold}`);
  const streaks = new Map<string, number>();
  return {
    failed(queue) {
      const length = (streaks.get(queue) ?? 0) + 1;
      streaks.set(queue, length);
      return length === threshold ? length : undefined;
    },
    succeeded(queue) {
      streaks.delete(queue);
    },
    current: (queue) => streaks.get(queue) ?? 0,
  };
}
