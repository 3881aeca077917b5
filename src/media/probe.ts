/** Runs ffprobe as an owned subprocess (abortable, bounded) and parses its answer. */
import { stat } from 'node:fs/promises';
import { runSubprocess, describeExit } from '../process/run-subprocess.js';
import { RetryableJobError, UnrecoverableJobError } from '../errors/job-errors.js';
import { abortReason } from '../util/abort.js';
import type { VideoInfo } from './types.js';
import { parseProbeJson, streamsOfType, type ProbeResult } from './probe-parse.js';

const PROBE_TIMEOUT_MS = 60_000;

// Only the fields the worker uses, so a multi-kilobyte embedded workflow never crosses the pipe.
const ENTRIES = 'format=duration,size:stream=index,codec_type,codec_name,width,height,sample_rate,channels,pix_fmt';

/**
 * Probes a media file. A file ffprobe cannot read (not media, truncated header)
 * is `UnrecoverableJobError('INVALID_VIDEO')`; ffprobe itself misbehaving is retryable.
 */
export async function probeMedia(path: string, ffprobePath: string, signal?: AbortSignal): Promise<ProbeResult> {
  const stdout: string[] = [];
  const result = await runSubprocess({
    command: ffprobePath,
    args: ['-v', 'error', '-print_format', 'json', '-show_entries', ENTRIES, path],
    onLine: (line, stream) => {
      if (stream === 'stdout') stdout.push(line);
    },
    tailLines: 20,
    signal,
    timeoutMs: PROBE_TIMEOUT_MS,
  }).catch((error: unknown) => {
    throw new RetryableJobError('FFPROBE_FAILED', `ffprobe could not start: ${(error as Error).message}`);
  });
  if (result.stoppedBy === 'abort') throw abortReason(signal);
  if (result.stoppedBy !== undefined || result.signal !== null) {
    throw new RetryableJobError('FFPROBE_FAILED', `ffprobe ${describeExit(result)}`);
  }
  if (result.exitCode !== 0) {
    const reason = result.tail.filter((line) => !line.startsWith('{') && !line.startsWith('}')).slice(-3).join(' | ');
    throw new UnrecoverableJobError('INVALID_VIDEO', `ffprobe cannot read the file: ${reason || describeExit(result)}`);
  }
  try {
    return parseProbeJson(stdout.join('\n'));
  } catch (error) {
    throw new RetryableJobError('FFPROBE_FAILED', (error as Error).message);
  }
}

/** ffprobe summary of a video file as the post-processing contract reports it. */
export async function probeVideo(path: string, ffprobePath: string, signal?: AbortSignal): Promise<VideoInfo> {
  const probe = await probeMedia(path, ffprobePath, signal);
  return videoInfoFrom(probe, probe.sizeBytes ?? (await stat(path)).size);
}

/** The contract's VideoInfo from a probe; INVALID_VIDEO when there is no video stream. */
export function videoInfoFrom(probe: ProbeResult, sizeBytes: number): VideoInfo {
  const video = streamsOfType(probe, 'video')[0];
  if (!video) throw new UnrecoverableJobError('INVALID_VIDEO', 'the file has no video stream');
  const audio = streamsOfType(probe, 'audio')[0];
  return {
    width: video.width ?? 0,
    height: video.height ?? 0,
    durationSec: probe.durationSec ?? 0,
    sizeBytes,
    videoCodec: video.codecName,
    audioCodec: audio?.codecName,
    audioSampleRate: audio?.sampleRate,
  };
}
