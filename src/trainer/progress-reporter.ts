/**
 * Merges parsed progress lines and forwards them at most once per interval, one
 * report at a time. tqdm redraws several times a second; the job only needs the
 * latest state, and a slow report must not pile up promises behind it.
 */
import type { Logger } from '../logger.js';
import type { TrainerProgress } from './progress.js';

export type ProgressSink = (progress: Record<string, unknown>) => Promise<void>;

export interface ThrottledProgress {
  update(partial: Partial<TrainerProgress>): void;
  /** Stops the timer and waits for a report in flight; sends nothing more. */
  close(): Promise<void>;
  /** The merged state so far. */
  current(): Partial<TrainerProgress>;
}

export function createThrottledProgress(
  sink: ProgressSink,
  intervalMs: number,
  logger: Logger,
): ThrottledProgress {
  let state: Partial<TrainerProgress> = {};
  let dirty = false;
  let lastSent = 0;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const send = (): void => {
    timer = undefined;
    if (closed || !dirty) return;
    if (inFlight) return; // the in-flight report re-checks `dirty` when it settles
    dirty = false;
    lastSent = Date.now();
    inFlight = sink({ stage: 'training', ...state })
      .catch((error: unknown) => {
        // Progress is best effort: a failed report must not fail the training.
        logger.warn('progress report failed', { error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        inFlight = undefined;
        if (dirty) schedule();
      });
  };
  const schedule = (): void => {
    if (closed || timer !== undefined) return;
    const wait = Math.max(0, lastSent + intervalMs - Date.now());
    timer = setTimeout(send, wait);
  };

  return {
    update(partial) {
      if (closed) return;
      state = { ...state, ...partial };
      dirty = true;
      schedule();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    current: () => ({ ...state }),
  };
}
