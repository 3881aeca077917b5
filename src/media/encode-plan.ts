/**
 * Pure builder of the ffmpeg arguments for one post-processing run. Kept apart
 * from the runner so the exact command can be unit-tested and reused by the
 * benchmark as the "bare ffmpeg" baseline.
 */
import type { FfmpegConfig, X264Preset } from '../config/ffmpeg.js';
import { X264_PRESETS } from '../config/ffmpeg.js';

/** An input as ffmpeg sees it: options that precede `-i`, then the source. */
export interface PlanInput {
  options: string[];
  source: string;
}

export interface EncodePlan {
  inputs: PlanInput[];
  /** Everything between the last input and the output path. */
  outputOptions: string[];
  preset: X264Preset;
  conservative: boolean;
}

export interface PlanOptions {
  /** Whether the source has an audio stream; without one a silent track is generated. */
  hasAudio: boolean;
  /** The crash-retry variant: one thread everywhere and a lighter preset. */
  conservative: boolean;
}

/** The preset used by the conservative retry (or the configured one if that is already lighter). */
export const CONSERVATIVE_PRESET: X264Preset = 'veryfast';

// Silence matching the output format, so no resampling is needed for the generated track.
const SILENT_AUDIO_SOURCE = 'anullsrc=channel_layout=stereo:sample_rate=48000';

// Always end on 48 kHz stereo: loudnorm upsamples to 192 kHz internally and would
// otherwise leak that rate into the AAC track (see comfyui-api.md §2.4).
const AUDIO_FORMAT = 'aformat=sample_rates=48000:channel_layouts=stereo';

/** `scale → pad → setsar` that letterboxes any input into exactly width×height. */
export function videoFilter(width: number, height: number): string {
  return [
    `scale=${width}:${height}:force_original_aspect_ratio=decrease`,
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black`,
    'setsar=1',
  ].join(',');
}

export function audioFilter(configured: string): string {
  const trimmed = configured.trim();
  return trimmed === '' ? AUDIO_FORMAT : `${trimmed},${AUDIO_FORMAT}`;
}

function lighterPreset(configured: X264Preset): X264Preset {
  return X264_PRESETS.indexOf(configured) < X264_PRESETS.indexOf(CONSERVATIVE_PRESET)
    ? configured
    : CONSERVATIVE_PRESET;
}

/** Builds the inputs and output options for one run. */
export function buildEncodePlan(
  inputPath: string,
  config: Pick<FfmpegConfig, 'width' | 'height' | 'audioFilter' | 'videoPreset' | 'threads'>,
  options: PlanOptions,
): EncodePlan {
  const preset = options.conservative ? lighterPreset(config.videoPreset) : config.videoPreset;
  const inputs: PlanInput[] = [{ options: [], source: inputPath }];
  // No banner: less stderr to parse, and fewer lines between us and the real error.
  const output: string[] = ['-hide_banner', '-map', '0:v:0'];
  if (options.hasAudio) {
    output.push('-map', '0:a:0', '-af', audioFilter(config.audioFilter));
  } else {
    inputs.push({ options: ['-f', 'lavfi'], source: SILENT_AUDIO_SOURCE });
    // anullsrc never ends; -shortest stops the output with the video.
    output.push('-map', '1:a:0', '-shortest');
  }
  output.push(
    '-vf', videoFilter(config.width, config.height),
    '-c:v', 'libx264',
    '-preset', preset,
    '-pix_fmt', 'yuv420p',
    '-c:a', 'aac',
    '-b:a', '192k',
    '-ar', '48000',
    '-ac', '2',
    // ComfyUI embeds the whole workflow (prompt, workflow, comment) in the container.
    '-map_metadata', '-1',
    '-map_chapters', '-1',
    '-movflags', '+faststart',
    '-f', 'mp4',
  );
  if (options.conservative) {
    output.push('-threads', '1', '-filter_threads', '1', '-filter_complex_threads', '1');
  } else if (config.threads !== undefined) {
    output.push('-threads', String(config.threads));
  }
  return { inputs, outputOptions: output, preset, conservative: options.conservative };
}

/** The plan as a plain argv (without the binary), e.g. for the benchmark's bare run. */
export function planToArgs(plan: EncodePlan, outputPath: string): string[] {
  return [
    '-y',
    ...plan.inputs.flatMap((input) => [...input.options, '-i', input.source]),
    ...plan.outputOptions,
    outputPath,
  ];
}
