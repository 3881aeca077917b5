/**
 * The video post-processor: probe the source, encode (with one conservative
 * retry when ffmpeg crashes), probe and validate the result. File to file; the
 * video never passes through this process's memory.
 */
import { rm, stat } from 'node:fs/promises';
import type { FfmpegConfig } from '../config/ffmpeg.js';
import { RetryableJobError, UnrecoverableJobError } from '../errors/job-errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { abortReason, linkedSignal, throwIfAborted } from '../util/abort.js';
import { buildEncodePlan, type EncodePlan } from './encode-plan.js';
import { isCrash } from './ffmpeg-failure.js';
import { outputProblem, streamsOfType } from './probe-parse.js';
import { probeMedia, videoInfoFrom } from './probe.js';
import { runFfmpeg, type RunFfmpegResult } from './run-ffmpeg.js';
import type { PostProcessFn, PostProcessRequest, VideoInfo } from './types.js';

/** Optional observers of the post-processor (metrics). */
export interface PostProcessHooks {
  /** Called once per ffmpeg run that crashed (signal), including a crashed retry. */
  onCrash?(signal: string): void;
}

/** Builds the {@link PostProcessFn} the video pipeline calls. */
export function createVideoPostProcessor(config: FfmpegConfig, hooks: PostProcessHooks = {}): PostProcessFn {
  return (request) => postProcess(config, request, hooks);
}

function reportCrash(result: RunFfmpegResult, hooks: PostProcessHooks): void {
  if (!result.ok && isCrash(result.end) && result.end.kind === 'signal') hooks.onCrash?.(result.end.signal);
}

async function postProcess(config: FfmpegConfig, request: PostProcessRequest, hooks: PostProcessHooks): Promise<VideoInfo> {
  const logger = request.logger ?? silentLogger;
  throwIfAborted(request.signal);
  const source = await inspectSource(config, request);
  try {
    const first = buildEncodePlan(request.inputPath, config, { hasAudio: source.hasAudio, conservative: false });
    const firstResult = await encodeOnce(config, request, first, source.durationSec, logger, 1);
    reportCrash(firstResult, hooks);
    if (!firstResult.ok && isCrash(firstResult.end)) {
      logger.warn('ffmpeg crashed; retrying once with conservative settings', {
        signal: firstResult.end.kind === 'signal' ? firstResult.end.signal : undefined,
      });
      const retry = buildEncodePlan(request.inputPath, config, { hasAudio: source.hasAudio, conservative: true });
      const retryResult = await encodeOnce(config, request, retry, source.durationSec, logger, 2);
      reportCrash(retryResult, hooks);
      if (!retryResult.ok) throw failureError(retryResult, request, config, 'the conservative retry after a crash');
    } else if (!firstResult.ok) {
      throw failureError(firstResult, request, config, 'the encode');
    }
    return await checkOutput(config, request);
  } catch (error) {
    await rm(request.outputPath, { force: true });
    throw error;
  }
}

/** Probes the input first: no video means no retry can help; no audio means a silent track. */
async function inspectSource(
  config: FfmpegConfig,
  request: PostProcessRequest,
): Promise<{ hasAudio: boolean; durationSec: number | undefined }> {
  const size = await stat(request.inputPath).then(
    (s) => s.size,
    () => {
      throw new RetryableJobError('FFMPEG_INPUT_MISSING', 'the video to post-process is missing');
    },
  );
  if (size === 0) throw new UnrecoverableJobError('INVALID_VIDEO', 'the video to post-process is empty (0 bytes)');
  const probe = await probeMedia(request.inputPath, config.ffprobePath, request.signal);
  if (streamsOfType(probe, 'video').length === 0) {
    const found = probe.streams.map((s) => s.codecType).join(', ') || 'no streams';
    throw new UnrecoverableJobError('INVALID_VIDEO', `the input has no video stream (found: ${found})`);
  }
  return { hasAudio: streamsOfType(probe, 'audio').length > 0, durationSec: probe.durationSec };
}

async function encodeOnce(
  config: FfmpegConfig,
  request: PostProcessRequest,
  plan: EncodePlan,
  durationSec: number | undefined,
  logger: Logger,
  run: number,
): Promise<RunFfmpegResult> {
  const timeout = linkedSignal([request.signal], config.timeoutMs, `ffmpeg timed out after ${config.timeoutMs} ms`);
  const startedAt = Date.now();
  try {
    const result = await runFfmpeg({
      ffmpegPath: config.ffmpegPath,
      plan,
      outputPath: request.outputPath,
      nice: config.nice,
      signal: timeout.signal,
      onStart: () => logger.info('ffmpeg started', { run, preset: plan.preset, conservative: plan.conservative }),
      onTimemark: (timemarkSec) => {
        const percent = durationSec && durationSec > 0 ? Math.min(100, (timemarkSec / durationSec) * 100) : undefined;
        request.onProgress?.({ percent, timemarkSec });
      },
    });
    const meta = { run, conservative: plan.conservative, durationMs: Date.now() - startedAt };
    if (result.ok) logger.info('ffmpeg finished', meta);
    else logger.warn('ffmpeg failed', { ...meta, end: result.end, reason: result.message, stderr: result.stderr });
    if (!result.ok && result.stopped) {
      // Our own kill: a cancellation or the timeout, never a crash to retry.
      if (request.signal?.aborted) throw abortReason(request.signal);
      throw new RetryableJobError('FFMPEG_TIMEOUT', `ffmpeg timed out after ${config.timeoutMs} ms`);
    }
    return result;
  } finally {
    timeout.dispose();
  }
}

function failureError(
  result: Extract<RunFfmpegResult, { ok: false }>,
  request: PostProcessRequest,
  config: FfmpegConfig,
  what: string,
): Error {
  if (request.signal?.aborted) return abortReason(request.signal);
  const details = { end: result.end, stderr: result.stderr, ffmpegPath: config.ffmpegPath };
  if (isCrash(result.end) && result.end.kind === 'signal') {
    return new RetryableJobError(
      'FFMPEG_CRASHED',
      `ffmpeg killed by ${result.end.signal} during ${what}`,
      details,
    );
  }
  const tail = result.stderr ? `: ${result.stderr}` : '';
  return new RetryableJobError('FFMPEG_FAILED', `${what} failed (${result.message.replace(/:.*$/, '')})${tail}`, details);
}

/** Verifies the promise of the contract before anything is uploaded. */
async function checkOutput(config: FfmpegConfig, request: PostProcessRequest): Promise<VideoInfo> {
  const probe = await probeMedia(request.outputPath, config.ffprobePath, request.signal).catch((error: unknown) => {
    // An unreadable output is ffmpeg's fault, not the input's: worth another attempt.
    if (error instanceof UnrecoverableJobError) {
      throw new RetryableJobError('FFMPEG_BAD_OUTPUT', `the encoded video is unreadable: ${error.message}`);
    }
    throw error;
  });
  const problem = outputProblem(probe, { width: config.width, height: config.height });
  if (problem) throw new RetryableJobError('FFMPEG_BAD_OUTPUT', `the encoded video is wrong: ${problem}`);
  return videoInfoFrom(probe, (await stat(request.outputPath)).size);
}
