/**
 * Real media for tests: short clips made by the real ffmpeg (`testsrc` + `sine`)
 * and ffprobe's full JSON for assertions. Shared with the end-to-end tests.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestVideoOptions {
  width: number;
  height: number;
  seconds: number;
  /** Adds a 440 Hz sine track (44.1 kHz mono, so resampling to 48 kHz stereo is exercised). */
  audio: boolean;
  /** Container tags, written the way ComfyUI's SaveVideo leaves them (e.g. prompt, workflow, comment). */
  metadata?: Record<string, string>;
  ffmpegPath?: string;
}

/** Writes an H.264 mp4 test clip to `path`. */
export async function makeTestVideo(path: string, options: TestVideoOptions): Promise<void> {
  const { width, height, seconds } = options;
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  args.push('-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=25:duration=${seconds}`);
  if (options.audio) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`);
  }
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  if (options.audio) args.push('-c:a', 'aac', '-ac', '1');
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    args.push('-metadata', `${key}=${value}`);
  }
  // mp4 only stores arbitrary keys (like ComfyUI's `prompt`/`workflow`) with this flag.
  if (options.metadata) args.push('-movflags', 'use_metadata_tags');
  args.push(path);
  await run(options.ffmpegPath ?? 'ffmpeg', args);
}

export interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  sample_rate?: string;
  channels?: number;
  tags?: Record<string, string>;
}

export interface FfprobeJson {
  format: { duration?: string; size?: string; format_name?: string; tags?: Record<string, string> };
  streams: FfprobeStream[];
}

/** ffprobe's `-show_format -show_streams` JSON for a file. */
export async function ffprobeJson(path: string, ffprobePath = 'ffprobe'): Promise<FfprobeJson> {
  const { stdout } = await run(
    ffprobePath,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as FfprobeJson;
}
