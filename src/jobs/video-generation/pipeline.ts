/**
 * The video-generation pipeline: ComfyUI renders the workflow, the result is
 * downloaded to the attempt's temp dir, post-processed by ffmpeg, uploaded and
 * presigned. Orchestration only: every step is an injected dependency.
 */
import { randomBytes } from 'node:crypto';
import { extname, join } from 'node:path';
import { RetryableJobError, UnrecoverableJobError } from '../../errors/job-errors.js';
import type { ComfyClient } from '../../comfy/client.js';
import { openComfyEvents } from '../../comfy/events.js';
import { promptOutcome, type HistoryEntry } from '../../comfy/history.js';
import { describeOutputs, findVideoOutput } from '../../comfy/outputs.js';
import { renderWorkflow, seedFromJobId, type WorkflowGraph } from '../../comfy/workflow.js';
import type { ComfyConfig } from '../../config/comfy.js';
import type { PostProcessFn } from '../../media/types.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { JobContext } from '../context.js';
import { generateOnComfy, type ComfyTiming } from './generate.js';
import type { VideoGenerationInput } from './input.js';

export interface VideoGenerationDeps {
  comfy: ComfyClient;
  /** The validated graph from `COMFYUI_VIDEO_WORKFLOW_JSON` (config.workflow). */
  workflow: WorkflowGraph;
  postProcess: PostProcessFn;
  store: ObjectStore;
  config: ComfyTiming & Pick<ComfyConfig, 'timeoutMs'>;
}

/** The job's result, PATCHed with `succeeded`. */
export interface VideoGenerationResult {
  comfyPromptId: string;
  caption: string;
  script: string;
  context: string | undefined;
  persona: string | Record<string, unknown> | undefined;
  durationSec: number;
  /** Object key, `video-generation/<jobId>/final.mp4`. */
  videoKey: string;
  /** Presigned GET URL of the final video. */
  videoUrl: string;
  video: { width: number; height: number; durationSec: number; sizeBytes: number };
}

export async function runVideoGeneration(
  input: VideoGenerationInput,
  deps: VideoGenerationDeps,
  ctx: JobContext,
): Promise<VideoGenerationResult> {
  const report = (progress: Record<string, unknown>): void => {
    ctx.reportProgress(progress).catch((error: unknown) => {
      ctx.logger.debug('progress report failed', { error: (error as Error).message });
    });
  };
  const graph = renderWorkflow(deps.workflow, {
    caption: input.caption,
    script: input.script,
    persona: typeof input.persona === 'string' ? input.persona : input.persona ? JSON.stringify(input.persona) : '',
    context: input.context ?? '',
    durationSec: input.durationSec,
    jobId: ctx.jobId,
    seed: seedFromJobId(ctx.jobId),
  });

  const { promptId, entry } = await generateOnComfy({
    comfy: deps.comfy,
    config: deps.config,
    graph,
    ctx,
    report,
    openEvents: () => {
      // One id per socket: two sockets sharing an id steal each other's messages.
      const clientId = `${deps.comfy.clientId}-${randomBytes(3).toString('hex')}`;
      return openComfyEvents({
        url: deps.comfy.webSocketUrl(clientId),
        clientId,
        connectTimeoutMs: Math.min(deps.config.timeoutMs, 10_000),
        signal: ctx.signal,
        logger: ctx.logger,
      });
    },
  });
  const video = pickVideo(promptId, entry);

  report({ stage: 'downloading', promptId, filename: video.filename });
  const workDir = await ctx.makeTmpDir();
  const sourcePath = join(workDir, `source${extname(video.filename).toLowerCase() || '.mp4'}`);
  const downloaded = await deps.comfy.download(video, sourcePath, ctx.signal);
  ctx.logger.info('comfyui video downloaded', { promptId, sizeBytes: downloaded.sizeBytes });

  report({ stage: 'post-processing', percent: 0 });
  const finalPath = join(workDir, 'final.mp4');
  const info = await deps.postProcess({
    inputPath: sourcePath,
    outputPath: finalPath,
    signal: ctx.signal,
    logger: ctx.logger,
    onProgress: ({ percent }) => report({ stage: 'post-processing', ...(percent !== undefined ? { percent: Math.round(percent) } : {}) }),
  });

  report({ stage: 'uploading' });
  const videoKey = `video-generation/${ctx.jobId}/final.mp4`;
  await deps.store.ensureBucket(ctx.signal);
  await deps.store.uploadFile(videoKey, finalPath, 'video/mp4', ctx.signal);
  const videoUrl = await deps.store.presignGet(videoKey);
  report({ stage: 'uploaded', percent: 100 });

  return {
    comfyPromptId: promptId,
    caption: input.caption,
    script: input.script,
    context: input.context,
    persona: input.persona,
    durationSec: input.durationSec,
    videoKey,
    videoUrl,
    video: { width: info.width, height: info.height, durationSec: info.durationSec, sizeBytes: info.sizeBytes },
  };
}

/** Turns a finished history entry into the file to download, or the error that explains why not. */
export function pickVideo(promptId: string, entry: HistoryEntry): NonNullable<ReturnType<typeof findVideoOutput>> {
  const outcome = promptOutcome(entry);
  if (outcome.kind === 'interrupted') {
    throw new RetryableJobError('COMFY_INTERRUPTED', `ComfyUI prompt ${promptId} was interrupted at node ${outcome.nodeId ?? '?'} (${outcome.nodeType ?? 'unknown type'})`, {
      promptId,
      nodeId: outcome.nodeId,
      nodeType: outcome.nodeType,
    });
  }
  if (outcome.kind === 'error') {
    const exception = (outcome.exceptionMessage ?? 'no exception message').trim().slice(0, 500);
    throw new RetryableJobError(
      'COMFY_EXECUTION_ERROR',
      `ComfyUI node ${outcome.nodeId ?? '?'} (${outcome.nodeType ?? 'unknown type'}) failed: ${outcome.exceptionType ? `${outcome.exceptionType}: ` : ''}${exception}`,
      { promptId, nodeId: outcome.nodeId, nodeType: outcome.nodeType, exceptionType: outcome.exceptionType },
    );
  }
  const video = findVideoOutput(entry.outputs);
  if (!video) {
    throw new UnrecoverableJobError('COMFY_NO_VIDEO_OUTPUT', `ComfyUI prompt ${promptId} produced no video: ${describeOutputs(entry.outputs)}`, {
      promptId,
      outputNodes: Object.keys(entry.outputs),
    });
  }
  return video;
}
