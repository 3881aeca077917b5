/**
 * The ComfyUI half of the pipeline: wait out outages, submit (or re-attach to
 * the checkpointed prompt), wait, and resubmit a prompt that ComfyUI lost. GPU
 * time is the expensive part, so a retry never submits the workflow again while
 * ComfyUI still knows a successful or running prompt for this job.
 */
import { randomUUID } from 'node:crypto';
import { RetryableJobError } from '../../errors/job-errors.js';
import type { ComfyClient } from '../../comfy/client.js';
import type { ComfyEventStream } from '../../comfy/events.js';
import { promptOutcome, type HistoryEntry } from '../../comfy/history.js';
import { isComfyOutage, waitUntilReachable } from '../../comfy/readiness.js';
import { waitForPrompt } from '../../comfy/wait.js';
import type { WorkflowGraph } from '../../comfy/workflow.js';
import type { JobContext } from '../context.js';
import type { ComfyConfig } from '../../config/comfy.js';

/** The timing settings this step needs from {@link ComfyConfig}. */
export type ComfyTiming = Pick<
  ComfyConfig,
  'pollIntervalMs' | 'waitTimeoutMs' | 'outageBackoffInitialMs' | 'outageBackoffMaxMs' | 'maxResubmits'
>;

export interface GenerateArgs {
  comfy: ComfyClient;
  config: ComfyTiming;
  graph: WorkflowGraph;
  /** Opens the WebSocket feed; called after ComfyUI answered, and again if the feed dropped. */
  openEvents: () => Promise<ComfyEventStream>;
  ctx: JobContext;
  report: (progress: Record<string, unknown>) => void;
}

/** Checkpoint key holding the prompt id chosen for this job. */
export const PROMPT_CHECKPOINT_KEY = 'comfyPromptId';

/** Resolves with a finished history entry (success, error or interrupted) and its prompt id. */
export async function generateOnComfy(args: GenerateArgs): Promise<{ promptId: string; entry: HistoryEntry }> {
  const events: { current: ComfyEventStream | undefined } = { current: undefined };
  try {
    return await attachOrSubmit(args, events);
  } finally {
    events.current?.close();
  }
}

async function attachOrSubmit(
  args: GenerateArgs,
  events: { current: ComfyEventStream | undefined },
): Promise<{ promptId: string; entry: HistoryEntry }> {
  const { comfy, config, ctx } = args;
  const checkpointed = ctx.checkpoint[PROMPT_CHECKPOINT_KEY];
  let promptId = typeof checkpointed === 'string' && checkpointed !== '' ? checkpointed : undefined;
  let reattached = promptId !== undefined;
  let resubmits = 0;

  for (;;) {
    await ready(args);
    // Opened before submitting so that no early message is missed; reopened after a drop.
    if (!events.current?.connected) {
      events.current?.close();
      events.current = await args.openEvents();
    }
    if (promptId === undefined) promptId = await submit(args, events.current);
    else ctx.logger.info('re-attaching to comfyui prompt', { promptId });

    const result = await waitForPrompt({
      client: comfy,
      events: events.current,
      promptId,
      signal: ctx.signal,
      deadlineMs: config.waitTimeoutMs,
      pollIntervalMs: config.pollIntervalMs,
      logger: ctx.logger,
      onProgress: (progress) => args.report({ ...progress, promptId, ...percentOf(progress) }),
    });
    if (result.kind === 'finished') {
      // A previous attempt's failed or interrupted run (e.g. interrupted by our own
      // shutdown) is what this retry exists to redo; only a success is reused.
      const outcome = promptOutcome(result.entry).kind;
      if (!reattached || outcome === 'success') return { promptId, entry: result.entry };
      ctx.logger.info('checkpointed comfyui prompt did not succeed, submitting again', { promptId, outcome });
    } else if (resubmits >= config.maxResubmits) {
      throw new RetryableJobError('COMFY_PROMPT_LOST', `ComfyUI lost prompt ${promptId} (restart?) ${resubmits + 1} times`, { promptId });
    } else {
      resubmits += 1;
    }
    promptId = undefined;
    reattached = false;
  }
}

async function ready(args: GenerateArgs): Promise<void> {
  await waitUntilReachable(args.comfy, {
    signal: args.ctx.signal,
    logger: args.ctx.logger,
    initialDelayMs: args.config.outageBackoffInitialMs,
    maxDelayMs: args.config.outageBackoffMaxMs,
    onWaiting: ({ failures, nextProbeMs }) => args.report({ stage: 'waiting-for-comfyui', failures, nextProbeMs }),
  });
}

/** Submits with an id we choose; an outage mid-submit is waited out, then checked before resubmitting. */
async function submit(args: GenerateArgs, events: ComfyEventStream): Promise<string> {
  const { comfy, ctx } = args;
  const chosen = randomUUID();
  // Saved before the POST: a crash right after ComfyUI accepts still re-attaches.
  await ctx.saveCheckpoint({ [PROMPT_CHECKPOINT_KEY]: chosen });
  for (;;) {
    args.report({ stage: 'submitting', promptId: chosen });
    try {
      const clientId = events.clientId;
      const { promptId } = await comfy.submitPrompt({ graph: args.graph, promptId: chosen, clientId }, ctx.signal);
      if (promptId !== chosen) await ctx.saveCheckpoint({ [PROMPT_CHECKPOINT_KEY]: promptId });
      ctx.logger.info('comfyui accepted prompt', { promptId });
      return promptId;
    } catch (error) {
      if (!isComfyOutage(error)) throw error;
      ctx.logger.warn('comfyui unreachable while submitting', { promptId: chosen, code: (error as { code?: string }).code });
      await ready(args);
      if (await knows(comfy, chosen, ctx.signal)) return chosen;
    }
  }
}

async function knows(comfy: ComfyClient, promptId: string, signal: AbortSignal): Promise<boolean> {
  const queue = await comfy.getQueue(signal);
  if (queue.running.includes(promptId) || queue.pending.includes(promptId)) return true;
  return (await comfy.getHistory(promptId, signal)) !== undefined;
}

function percentOf(progress: { stage: string; value?: number; max?: number }): { percent?: number } {
  if (progress.value === undefined || !progress.max) return {};
  return { percent: Math.round((progress.value / progress.max) * 100) };
}
