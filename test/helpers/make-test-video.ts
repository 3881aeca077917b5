/**
 * The small real video the ComfyUI double serves, in a temp dir of its own:
 * 320×240 (not 9:16, so the pad step has work to do), 1 s, H.264 + AAC.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestVideo as writeTestVideo } from './media-fixtures.js';

export interface TestVideo {
  path: string;
  dir: string;
  remove(): Promise<void>;
}

export async function makeTestVideo(options: { seconds?: number; audio?: boolean } = {}): Promise<TestVideo> {
  const dir = await mkdtemp(join(tmpdir(), 'comfy-video-'));
  const path = join(dir, 'source.mp4');
  await writeTestVideo(path, { width: 320, height: 240, seconds: options.seconds ?? 1, audio: options.audio ?? true });
  return { path, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
