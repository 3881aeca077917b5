/**
 * Makes the small real video the ComfyUI double serves: testsrc + sine, 320×240
 * (not 9:16, so the pad step has work to do), 1 s, H.264 + AAC, with real ffmpeg.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestVideo {
  path: string;
  dir: string;
  remove(): Promise<void>;
}

export async function makeTestVideo(options: { seconds?: number; audio?: boolean } = {}): Promise<TestVideo> {
  const dir = await mkdtemp(join(tmpdir(), 'comfy-video-'));
  const path = join(dir, 'source.mp4');
  const seconds = String(options.seconds ?? 1);
  const audio = options.audio ?? true;
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=24',
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440'] : []),
    '-t', seconds, '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    ...(audio ? ['-c:a', 'aac'] : []),
    path,
  ]);
  return { path, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
