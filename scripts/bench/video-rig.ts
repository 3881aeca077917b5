/**
 * The stand-ins of the end-to-end tests plus a ComfyUI double that "renders"
 * a clip of the bench's choosing, and the supervisor environment pointing at
 * them with the real ffmpeg (not the tests' segfault-once wrapper).
 */
import { ComfyTestServer } from '../../test/helpers/comfy-server.js';
import { startStandIns, type StandIns } from '../../test/helpers/stand-ins.js';
import { startSupervisor, type SupervisorProcess } from '../../test/helpers/supervisor-process.js';
import type { StatusPatch } from '../../test/helpers/api-server.js';

export interface VideoRig {
  stand: StandIns;
  comfy: ComfyTestServer;
  env: Record<string, string>;
  /** Starts a supervisor on this rig (extra env wins) and waits until it is ready. */
  supervisor(extraEnv?: Record<string, string>): Promise<SupervisorProcess>;
  /** Enqueues one video job; resolves with its wall time (enqueue → succeeded PATCH received). */
  videoJob(timeoutMs?: number): Promise<{ jobId: string; wallMs: number; patches: StatusPatch[] }>;
  close(): Promise<void>;
}

export const VIDEO_PAYLOAD = { caption: 'bench', script: '0-5s: bench.', durationSec: 10 };

export async function startVideoRig(clipPath: string, ffmpegEnv: Record<string, string>): Promise<VideoRig> {
  const stand = await startStandIns();
  const comfy = await ComfyTestServer.start({ videoPath: clipPath });
  const supervisors: SupervisorProcess[] = [];
  const env = {
    ...stand.env,
    COMFYUI_API_URL: comfy.url,
    FFMPEG_PATH: 'ffmpeg',
    FFMPEG_NICE: '0',
    LOG_LEVEL: 'info',
    ...ffmpegEnv,
  };
  return {
    stand,
    comfy,
    env,
    async supervisor(extraEnv = {}) {
      const supervisor = startSupervisor({ ...env, ...extraEnv });
      supervisors.push(supervisor);
      await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready', 30_000);
      return supervisor;
    },
    async videoJob(timeoutMs = 120_000) {
      const startedAt = Date.now();
      const { jobId } = await stand.rig.enqueue('video-generation', VIDEO_PAYLOAD, { attempts: 1 });
      const patches = await stand.rig.waitForFinal(jobId, timeoutMs);
      const final = patches.at(-1);
      if (final?.status !== 'succeeded') throw new Error(`video job ${jobId} ended ${JSON.stringify(final)}`);
      const at = stand.rig.api.requests.filter((r) => r.method === 'PATCH' && r.path === `/jobs/${jobId}`).at(-1)?.at ?? Date.now();
      return { jobId, wallMs: at - startedAt, patches };
    },
    async close() {
      for (const supervisor of supervisors) await supervisor.stop('SIGTERM');
      await comfy.stop();
      await stand.close();
    },
  };
}
