/**
 * The video post-processing contract used by the video pipeline. The
 * fluent-ffmpeg implementation lives in this folder (the one place that imports it).
 */
import type { Logger } from '../logger.js';

/** What ffprobe says about a finished file. */
export interface VideoInfo {
  width: number;
  height: number;
  durationSec: number;
  sizeBytes: number;
  videoCodec: string;
  audioCodec: string | undefined;
  audioSampleRate: number | undefined;
}

export interface PostProcessRequest {
  inputPath: string;
  outputPath: string;
  signal?: AbortSignal;
  /** ffmpeg's progress, 0–100 when the input duration is known. */
  onProgress?: (progress: { percent: number | undefined; timemarkSec: number | undefined }) => void;
  logger?: Logger;
}

/**
 * Fits the input to the configured aspect ratio, normalises loudness, encodes
 * H.264 + AAC 48 kHz with metadata stripped, retries once with conservative
 * settings if ffmpeg dies by a signal, and probes the result.
 */
export type PostProcessFn = (request: PostProcessRequest) => Promise<VideoInfo>;
