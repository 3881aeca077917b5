/** ffmpeg post-processing settings: binaries, output frame, filters, limits. */
import { str, makeValidator, EnvError } from 'envalid';
import { cleanSection, positiveInt } from './env.js';
import type { RawEnv } from './env.js';

/** x264's named presets, fastest first; anything else makes ffmpeg fail at encode time. */
export const X264_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
  'placebo',
] as const;
export type X264Preset = (typeof X264_PRESETS)[number];

/** The long side of every output frame; the short side follows the aspect ratio. */
export const OUTPUT_LONG_SIDE = 1920;

export interface FfmpegConfig {
  ffmpegPath: string;
  ffprobePath: string;
  /** As configured, e.g. `9:16`. */
  aspectRatio: string;
  /** Output frame, both even (yuv420p needs even dimensions). */
  width: number;
  height: number;
  /** Applied before the fixed 48 kHz stereo resample. */
  audioFilter: string;
  videoPreset: X264Preset;
  /** Wall-clock limit per encode run; ffmpeg is killed when it passes. */
  timeoutMs: number;
  /** Niceness for ffmpeg (0 = unchanged), so encodes do not starve the supervisor. */
  nice: number;
  /** ffmpeg `-threads`; undefined lets ffmpeg choose. */
  threads: number | undefined;
}

/**
 * Turns `W:H` into an even-sized frame whose long side is {@link OUTPUT_LONG_SIDE}:
 * `9:16` → 1080×1920, `1:1` → 1920×1920. Throws a message for envalid otherwise.
 */
export function frameForAspectRatio(value: string): { width: number; height: number } {
  const match = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  const w = Number(match?.[1]);
  const h = Number(match?.[2]);
  if (!match || !(w > 0) || !(h > 0) || !Number.isFinite(w) || !Number.isFinite(h)) {
    throw new Error(`must be a positive ratio W:H such as 9:16, got "${value}"`);
  }
  const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));
  return w >= h
    ? { width: OUTPUT_LONG_SIDE, height: even((OUTPUT_LONG_SIDE * h) / w) }
    : { width: even((OUTPUT_LONG_SIDE * w) / h), height: OUTPUT_LONG_SIDE };
}

const aspectRatio = makeValidator<string>((input: string) => {
  try {
    frameForAspectRatio(input);
  } catch (error) {
    throw new EnvError((error as Error).message);
  }
  return input.trim();
});

const niceness = makeValidator<number>((input: string) => {
  const value = Number(input.trim());
  // Unprivileged processes can only raise niceness, so negative values would fail at spawn.
  if (!/^\d+$/.test(input.trim()) || value > 19) {
    throw new EnvError(`must be an integer 0-19, got "${input}"`);
  }
  return value;
});

const spec = {
  FFMPEG_PATH: str({ default: 'ffmpeg', desc: 'ffmpeg binary' }),
  FFPROBE_PATH: str({ default: 'ffprobe', desc: 'ffprobe binary' }),
  FFMPEG_ASPECT_RATIO: aspectRatio({ default: '9:16', desc: 'output aspect ratio W:H' }),
  FFMPEG_AUDIO_FILTER: str({ default: 'loudnorm=I=-16:TP=-1.5:LRA=11', desc: 'audio filter' }),
  FFMPEG_VIDEO_PRESET: str({ default: 'medium', choices: X264_PRESETS, desc: 'x264 preset' }),
  FFMPEG_TIMEOUT_MS: positiveInt({ default: 30 * 60_000, desc: 'limit per encode run' }),
  FFMPEG_NICE: niceness({ default: 10, desc: 'niceness of ffmpeg (0-19)' }),
  FFMPEG_THREADS: positiveInt({ default: undefined, desc: 'ffmpeg -threads (optional)' }),
};

/** Reads and validates the FFMPEG_* variables; throws ConfigError naming the variable. */
export function loadFfmpegConfig(env: RawEnv): FfmpegConfig {
  const cleaned = cleanSection(env, spec);
  const frame = frameForAspectRatio(cleaned.FFMPEG_ASPECT_RATIO);
  return Object.freeze({
    ffmpegPath: cleaned.FFMPEG_PATH,
    ffprobePath: cleaned.FFPROBE_PATH,
    aspectRatio: cleaned.FFMPEG_ASPECT_RATIO,
    width: frame.width,
    height: frame.height,
    audioFilter: cleaned.FFMPEG_AUDIO_FILTER,
    videoPreset: cleaned.FFMPEG_VIDEO_PRESET,
    timeoutMs: cleaned.FFMPEG_TIMEOUT_MS,
    nice: cleaned.FFMPEG_NICE,
    threads: cleaned.FFMPEG_THREADS,
  });
}
