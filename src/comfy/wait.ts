/**
 * Waits for one prompt to finish. The WebSocket wakes the loop the moment
 * ComfyUI reports the end and feeds progress; `/history/{id}` is the only
 * source of truth (socket delivery is fire-and-forget). Without a socket the
 * same loop simply polls every `pollIntervalMs`. The wait has an overall
 * deadline, at which the prompt is deleted and interrupted so it cannot block
 * the GPU queue; a prompt in neither `/queue` nor `/history` has been lost.
 */
import { RetryableJobError } from '../errors/job-errors.js';
import type { Logger } from '../logger.js';
import { abortReason, linkedSignal } from '../util/abort.js';
import type { ComfyClient } from './client.js';
import type { ComfyEvent, ComfyEventStream } from './events.js';
import type { HistoryEntry } from './history.js';
import { isComfyOutage } from './readiness.js';

export type WaitProgress =
  | { stage: 'queued' }
  | { stage: 'generating'; value?: number; max?: number; node?: string };

export interface WaitOptions {
  client: ComfyClient;
  /** Optional live feed; without one (or once it drops) the loop polls. */
  events?: ComfyEventStream;
  promptId: string;
  signal: AbortSignal;
  deadlineMs: number;
  pollIntervalMs: number;
  logger: Logger;
  onProgress?: (progress: WaitProgress) => void;
}

/** `finished`: history has the entry (any status). `vanished`: ComfyUI no longer knows the prompt. */
export type WaitResult = { kind: 'finished'; entry: HistoryEntry } | { kind: 'vanished' };

const TERMINAL = new Set(['execution_success', 'execution_error', 'execution_interrupted']);
// execution_* arrive just before ComfyUI writes history: re-poll quickly for a while.
const FAST_POLL_MS = 25;
const FAST_POLLS = 120;

export async function waitForPrompt(options: WaitOptions): Promise<WaitResult> {
  const { client, promptId, logger } = options;
  const deadline = linkedSignal([options.signal], options.deadlineMs, `prompt ${promptId} not finished within ${options.deadlineMs} ms`);
  let wake: (() => void) | undefined;
  let finishedHint = false;
  let fastPolls = 0;
  const notify = (): void => wake?.();

  const unsubscribe = options.events?.onEvent((event) => handleEvent(event));
  const unsubscribeClose = options.events?.onClose(notify);
  function handleEvent(event: ComfyEvent): void {
    if (event.data.prompt_id !== promptId) return;
    if (event.type === 'execution_start') options.onProgress?.({ stage: 'generating' });
    if (event.type === 'progress' && typeof event.data.value === 'number' && typeof event.data.max === 'number') {
      const node = typeof event.data.node === 'string' ? event.data.node : undefined;
      options.onProgress?.({ stage: 'generating', value: event.data.value, max: event.data.max, ...(node ? { node } : {}) });
    }
    if (TERMINAL.has(event.type) || (event.type === 'executing' && event.data.node === null)) {
      finishedHint = true;
      notify();
    }
  }

  try {
    options.onProgress?.({ stage: 'queued' });
    for (;;) {
      if (deadline.signal.aborted) break;
      try {
        const entry = await client.getHistory(promptId, deadline.signal);
        if (entry) return { kind: 'finished', entry };
        if (!finishedHint || fastPolls >= FAST_POLLS) {
          // Queue first, then history again: a prompt finishing in between is still found.
          const queue = await client.getQueue(deadline.signal);
          if (!queue.running.includes(promptId) && !queue.pending.includes(promptId)) {
            const late = await client.getHistory(promptId, deadline.signal);
            if (late) return { kind: 'finished', entry: late };
            logger.warn('comfyui no longer knows the prompt', { promptId });
            return { kind: 'vanished' };
          }
        }
      } catch (error) {
        if (deadline.signal.aborted) break;
        if (!isComfyOutage(error) && !(error instanceof RetryableJobError)) throw error;
        logger.warn('comfyui poll failed, will retry', { promptId, code: (error as { code?: string }).code });
      }
      const delay = finishedHint && fastPolls < FAST_POLLS ? FAST_POLL_MS : options.pollIntervalMs;
      if (finishedHint) fastPolls += 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        const onAbort = (): void => done();
        deadline.signal.addEventListener('abort', onAbort, { once: true });
        wake = done;
        function done(): void {
          clearTimeout(timer);
          deadline.signal.removeEventListener('abort', onAbort);
          wake = undefined;
          resolve();
        }
      });
    }
    return await giveUp();
  } finally {
    unsubscribe?.();
    unsubscribeClose?.();
    deadline.dispose();
  }

  async function giveUp(): Promise<never> {
    // Cancellation, shutdown and the deadline all free the GPU queue before failing.
    try {
      await client.cancelPrompt(promptId);
      logger.info('comfyui prompt deleted and interrupted', { promptId });
    } catch (error) {
      logger.warn('could not cancel comfyui prompt', { promptId, error: (error as Error).message });
    }
    if (options.signal.aborted) throw abortReason(options.signal);
    throw new RetryableJobError('COMFY_TIMEOUT', `ComfyUI prompt ${promptId} did not finish within ${options.deadlineMs} ms; it was deleted and interrupted`, {
      promptId,
      deadlineMs: options.deadlineMs,
    });
  }
}
