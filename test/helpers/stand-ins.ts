/**
 * Everything the real processors talk to, started together for end-to-end
 * tests (and the demo): Redis, the API stand-in, the S3-compatible server, the
 * ComfyUI double serving a real clip, and the LLM stand-in; plus the supervisor
 * environment that points the worker at all of them.
 */
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRig, type Rig } from './harness.js';
import { startS3Server, type S3TestServer } from './s3-server.js';
import { ComfyTestServer } from './comfy-server.js';
import { startLlmTestServer, type LlmTestServer } from './llm-server.js';
import { makeTestVideo } from './media-fixtures.js';
import { baseEnv, MINIMAL_WORKFLOW } from './supervisor-process.js';

export const FAKE_TRAINER = fileURLToPath(new URL('../../../test/fixtures/fake-trainer.mjs', import.meta.url));
const SEGV_ONCE = fileURLToPath(new URL('../../../test/fixtures/ffmpeg-segv-once.sh', import.meta.url));

export interface StandIns {
  rig: Rig;
  s3: S3TestServer;
  comfy: ComfyTestServer;
  llm: LlmTestServer;
  /** The clip ComfyUI "renders": 320×240 with audio and ComfyUI-style metadata. */
  clipPath: string;
  datasetRoot: string;
  outputRoot: string;
  /** Delete this file to make the next ffmpeg encode die by SIGSEGV once. */
  ffmpegSegvMarker: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StandInsOptions {
  /** Redis with AOF on, so queue state survives a Redis restart (chaos runs). */
  appendOnly?: boolean;
}

export async function startStandIns(options: StandInsOptions = {}): Promise<StandIns> {
  const rig = await startRig({ appendOnly: options.appendOnly ?? false });
  const s3 = await startS3Server();
  const clipPath = join(rig.tmpDir, 'clip.mp4');
  await makeTestVideo(clipPath, { width: 320, height: 240, seconds: 1, audio: true, metadata: { prompt: '{"secret":"workflow"}', workflow: '{}' } });
  const comfy = await ComfyTestServer.start({ videoPath: clipPath });
  const llm = await startLlmTestServer();
  const datasetRoot = join(rig.tmpDir, 'datasets');
  const outputRoot = join(rig.tmpDir, 'loras');
  await mkdir(join(datasetRoot, 'faces'), { recursive: true });
  await mkdir(outputRoot, { recursive: true });
  // A private copy of the wrapper, so its "already crashed" marker is ours alone.
  const ffmpegWrapper = join(rig.tmpDir, 'ffmpeg-segv-once.sh');
  await symlink(SEGV_ONCE, ffmpegWrapper);
  const ffmpegSegvMarker = join(rig.tmpDir, 'ffmpeg-segv.done');
  await mkdir(ffmpegSegvMarker);
  const env = {
    ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: join(rig.tmpDir, 'work'), prefix: rig.prefix }),
    S3_ENDPOINT: s3.endpoint,
    S3_KEY: s3.accessKey,
    S3_SECRET: s3.secretKey,
    S3_BUCKET: 'assets',
    COMFYUI_API_URL: comfy.url,
    COMFYUI_VIDEO_WORKFLOW_JSON: JSON.stringify(MINIMAL_WORKFLOW),
    COMFYUI_POLL_INTERVAL_MS: '200',
    COMFYUI_MAX_POLL_ATTEMPTS: '100',
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: 'sk-test-secret-key-0123456789',
    LLM_MODEL: 'test/model',
    FFMPEG_PATH: ffmpegWrapper,
    FFMPEG_SEGV_MARKER: ffmpegSegvMarker,
    FFMPEG_VIDEO_PRESET: 'ultrafast',
    LORA_TRAINER_COMMAND: process.execPath,
    LORA_TRAINER_ARGS_PREFIX: 'none',
    LORA_TRAINER_SCRIPT: FAKE_TRAINER,
    LORA_DATASET_ROOT: datasetRoot,
    LORA_OUTPUT_ROOT: outputRoot,
    LORA_KILL_GRACE_MS: '500',
  };
  return {
    rig, s3, comfy, llm, clipPath, datasetRoot, outputRoot, ffmpegSegvMarker, env,
    async close() {
      await comfy.stop();
      await llm.stop();
      await s3.stop();
      await rig.close();
    },
  };
}
