/**
 * The content-generation pipeline: caption, script, text assets, follow-up
 * video job. Orchestration only; every external system comes in through deps.
 *
 * Resumable by design: each step that costs money or must happen once records
 * its outcome in the job checkpoint (texts and token counts after each LLM call,
 * the child job id right after POST /jobs), and a retried attempt skips what is
 * already recorded. Uploads and presigning are cheap and idempotent, so they rerun.
 */
import type { CreateJobRequest } from '../../api/client.js';
import { buildCaptionPrompt, buildScriptPrompt } from '../../llm/prompts.js';
import type { JobContext } from '../context.js';
import { throwIfAborted } from '../../util/abort.js';
import type { ContentCheckpoint, ContentGenerationDeps, ContentGenerationInput, ContentGenerationResult } from './types.js';

/** Upper bounds of the two completions; a caption is short, a script a little longer. */
const CAPTION_MAX_TOKENS = 300;
const SCRIPT_MAX_TOKENS = 900;
const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** Object keys of the two text assets of job `jobId`. */
export function contentKeys(jobId: string): { captionKey: string; scriptKey: string } {
  const prefix = `content-generation/${jobId}`;
  return { captionKey: `${prefix}/caption.txt`, scriptKey: `${prefix}/script.txt` };
}

/** Runs steps 1-6 of the content job; see {@link ContentGenerationResult} for the result. */
export async function runContentGeneration(
  input: ContentGenerationInput,
  deps: ContentGenerationDeps,
  ctx: JobContext,
): Promise<ContentGenerationResult> {
  const { signal, logger } = ctx;
  const saved = readCheckpoint(ctx.checkpoint);

  let caption = saved.caption;
  let captionTokens = saved.captionTokens ?? 0;
  if (caption === undefined) {
    await ctx.reportProgress({ stage: 'caption' });
    const completion = await deps.llm.complete(
      { messages: buildCaptionPrompt(input.persona, input.context), maxTokens: CAPTION_MAX_TOKENS, temperature: 0.9 },
      signal,
    );
    caption = completion.text;
    captionTokens = completion.usage.totalTokens;
    await ctx.saveCheckpoint({ caption, captionTokens });
    logger.info('caption generated', { chars: caption.length, tokens: captionTokens });
  }

  let script = saved.script;
  let scriptTokens = saved.scriptTokens ?? 0;
  if (script === undefined) {
    await ctx.reportProgress({ stage: 'script' });
    const completion = await deps.llm.complete(
      {
        messages: buildScriptPrompt(caption, input.durationSec, input.persona, input.context),
        maxTokens: SCRIPT_MAX_TOKENS,
        temperature: 0.7,
      },
      signal,
    );
    script = completion.text;
    scriptTokens = completion.usage.totalTokens;
    await ctx.saveCheckpoint({ script, scriptTokens });
    logger.info('script generated', { chars: script.length, tokens: scriptTokens });
  }

  throwIfAborted(signal);
  await ctx.reportProgress({ stage: 'uploading' });
  const { captionKey, scriptKey } = contentKeys(ctx.jobId);
  await deps.store.ensureBucket(signal);
  await deps.store.uploadText(captionKey, caption, TEXT_CONTENT_TYPE, signal);
  await deps.store.uploadText(scriptKey, script, TEXT_CONTENT_TYPE, signal);
  const [captionUrl, scriptUrl] = await Promise.all([deps.store.presignGet(captionKey), deps.store.presignGet(scriptKey)]);

  let childJobId: string | null = null;
  if (input.createVideo) {
    childJobId = saved.childJobId ?? null;
    if (childJobId === null) {
      throwIfAborted(signal);
      await ctx.reportProgress({ stage: 'follow-up' });
      const created = await deps.api.createJob(followUpRequest(input, ctx.jobId, caption, script), signal);
      childJobId = created.id;
      // Immediately, before anything else can fail: a retry must find this id.
      await ctx.saveCheckpoint({ childJobId });
      logger.info('follow-up video job created', { childJobId });
    } else {
      logger.info('follow-up video job already created', { childJobId });
    }
  }

  return { caption, script, captionKey, scriptKey, captionUrl, scriptUrl, childJobId, costTok: captionTokens + scriptTokens };
}

/** Body of `POST /jobs` for the follow-up video job. */
export function followUpRequest(
  input: ContentGenerationInput,
  parentJobId: string,
  caption: string,
  script: string,
): CreateJobRequest {
  return {
    type: 'video-generation',
    payload: {
      parentJobId,
      caption,
      script,
      ...(input.persona !== undefined ? { persona: input.persona } : {}),
      context: input.context,
      durationSec: input.durationSec,
    },
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
  };
}

/** Reads only well-typed values: a checkpoint written by an older version must not break a retry. */
function readCheckpoint(checkpoint: Readonly<Record<string, unknown>>): ContentCheckpoint {
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  const tokens = (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  const result: ContentCheckpoint = {};
  const caption = text(checkpoint.caption);
  if (caption !== undefined) {
    result.caption = caption;
    result.captionTokens = tokens(checkpoint.captionTokens) ?? 0;
    // A script only counts together with the caption it was written for.
    const script = text(checkpoint.script);
    if (script !== undefined) {
      result.script = script;
      result.scriptTokens = tokens(checkpoint.scriptTokens) ?? 0;
    }
  }
  const childJobId = text(checkpoint.childJobId);
  if (childJobId !== undefined) result.childJobId = childJobId;
  return result;
}
