/**
 * The three pipelines end to end through the real supervisor and the real
 * compiled processors, against the stand-ins: ComfyUI double, LLM stand-in,
 * S3-compatible server, API stand-in, real ffmpeg and the fake trainer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { statusTrail } from '../helpers/harness.js';
import { ffprobeJson } from '../helpers/media-fixtures.js';
import { isProcessAlive, waitFor } from '../helpers/wait-for.js';
import { reply } from '../helpers/llm-server.js';

function pgrep(args: string[]): number[] {
  try {
    return execFileSync('pgrep', args, { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
const childPids = (pid: number): number[] => pgrep(['-P', String(pid)]);
const pidsMatching = (text: string): number[] => pgrep(['-f', text]);

const VIDEO_PAYLOAD = { caption: 'Sunrise run', script: '0-3s: shoes. 3-6s: skyline.', persona: { name: 'Ava' }, durationSec: 6 };

describe('pipelines end to end', () => {
  let stand: StandIns;
  let supervisor: SupervisorProcess;

  before(async () => {
    stand = await startStandIns();
    // Like the real API: a created follow-up job is enqueued on its queue.
    stand.rig.api.onJobCreated = async (job) => {
      await stand.rig.enqueue('video-generation', job.body.payload as Record<string, unknown>, { jobId: job.id });
    };
    supervisor = startSupervisor(stand.env);
    await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready', 20_000);
  });

  after(async () => {
    const exit = await supervisor.stop('SIGTERM');
    await stand.close();
    assert.equal(exit, 0);
  });

  test('a content job writes caption and script, stores them, and its follow-up video job is created once and finishes', async () => {
    stand.llm.script(reply.completion('Chasing sunrise, one mile at a time.', { prompt: 40, completion: 12 }),
      reply.completion('0-3s: laces tied.\n3-6s: city wakes.', { prompt: 60, completion: 20 }));
    const { jobId } = await stand.rig.enqueue('content-generation', { persona: { name: 'Ava' }, context: 'morning run', durationSec: 6 });
    const patches = await stand.rig.waitForFinal(jobId, 30_000);
    assert.deepEqual(statusTrail(patches), ['running', 'succeeded']);
    const final = patches.at(-1);
    assert.equal(final?.costTok, 132);
    const result = final?.result ?? {};
    assert.equal(result.caption, 'Chasing sunrise, one mile at a time.');
    assert.equal(result.captionKey, `content-generation/${jobId}/caption.txt`);
    assert.equal(await (await fetch(String(result.captionUrl))).text(), result.caption);
    const followUps = stand.rig.api.createdJobs.filter((job) => job.body.payload && (job.body.payload as Record<string, unknown>).parentJobId === jobId);
    assert.equal(followUps.length, 1, 'exactly one follow-up video job');
    assert.equal(result.childJobId, followUps[0]?.id);
    assert.equal(followUps[0]?.body.type, 'video-generation');
    const video = await stand.rig.waitForFinal(followUps[0]?.id ?? '', 60_000);
    assert.equal(video.at(-1)?.status, 'succeeded', JSON.stringify(video.at(-1)));
  });

  test('a video job produces a 1080x1920 H.264 + AAC 48 kHz MP4 without ComfyUI metadata behind a signed URL', async () => {
    const { jobId } = await stand.rig.enqueue('video-generation', VIDEO_PAYLOAD);
    const patches = await stand.rig.waitForFinal(jobId, 60_000);
    const final = patches.at(-1);
    assert.equal(final?.status, 'succeeded', JSON.stringify(final));
    const result = final?.result ?? {};
    assert.equal(result.videoKey, `video-generation/${jobId}/final.mp4`);
    assert.deepEqual(result.video && Object.keys(result.video).sort(), ['durationSec', 'height', 'sizeBytes', 'width']);
    const downloaded = join(stand.rig.tmpDir, `${jobId}.mp4`);
    const response = await fetch(String(result.videoUrl));
    assert.equal(response.status, 200);
    await writeFile(downloaded, Buffer.from(await response.arrayBuffer()));
    const probe = await ffprobeJson(downloaded);
    const videoStreams = probe.streams.filter((s) => s.codec_type === 'video');
    const audioStreams = probe.streams.filter((s) => s.codec_type === 'audio');
    assert.equal(videoStreams.length, 1);
    assert.equal(audioStreams.length, 1);
    assert.equal(videoStreams[0]?.codec_name, 'h264');
    assert.equal(videoStreams[0]?.width, 1080);
    assert.equal(videoStreams[0]?.height, 1920);
    assert.equal(audioStreams[0]?.codec_name, 'aac');
    assert.equal(audioStreams[0]?.sample_rate, '48000');
    const tags = JSON.stringify(probe.format.tags ?? {});
    assert.doesNotMatch(tags, /secret|workflow|prompt/);
    const progress = patches.filter((p) => p.status === 'running' && p.result?.progress);
    assert.ok(progress.length >= 1, 'progress reached the API');
    await rm(downloaded, { force: true });
  });

  test('an ffmpeg that segfaults once is retried in the same attempt with conservative settings', async () => {
    await rm(stand.ffmpegSegvMarker, { recursive: true, force: true });
    const { jobId } = await stand.rig.enqueue('video-generation', VIDEO_PAYLOAD);
    const patches = await stand.rig.waitForFinal(jobId, 60_000);
    assert.deepEqual(statusTrail(patches), ['running', 'succeeded'], 'no attempt was spent');
    const runs = supervisor.logs.filter((l) => l.jobId === jobId && /^ffmpeg (failed|finished)$/.test(String(l.message)));
    assert.deepEqual(runs.map((l) => `${String(l.message)}:${String(l.conservative)}`), ['ffmpeg failed:false', 'ffmpeg finished:true']);
  });

  test('a workflow ComfyUI rejects fails after one attempt with its message and the failing node', async () => {
    stand.comfy.behaviour.reject = 'prompt_outputs_failed_validation';
    try {
      const { jobId } = await stand.rig.enqueue('video-generation', VIDEO_PAYLOAD, { attempts: 3 });
      const patches = await stand.rig.waitForFinal(jobId, 30_000);
      assert.deepEqual(statusTrail(patches), ['running', 'failed']);
      const result = patches.at(-1)?.result ?? {};
      assert.equal(result.code, 'COMFY_INVALID_PROMPT');
      assert.equal(result.attemptsMade, 1);
      assert.match(String(result.message), /node/i);
      assert.ok(result.details, 'the failing nodes travel with the status');
    } finally {
      stand.comfy.behaviour.reject = undefined;
    }
  });

  test('a child SIGKILLed after ComfyUI accepted the prompt resumes on retry without a second POST /prompt', async () => {
    stand.comfy.behaviour.runMs = 2500;
    try {
      const before = stand.comfy.count('POST', '/prompt');
      const { jobId } = await stand.rig.enqueue('video-generation', VIDEO_PAYLOAD);
      await waitFor('the prompt to be submitted', () => stand.comfy.count('POST', '/prompt') > before);
      await waitFor('the checkpoint to be saved', async () => {
        const jobs = await stand.rig.queue('video-generation').getJobs(['active']);
        return jobs.some((job) => (job.data as { checkpoint?: { comfyPromptId?: string } }).checkpoint?.comfyPromptId);
      });
      for (const pid of childPids(supervisor.pid)) process.kill(pid, 'SIGKILL');
      const patches = await stand.rig.waitForFinal(jobId, 60_000);
      assert.deepEqual(statusTrail(patches), ['running', 'retrying', 'running', 'succeeded']);
      assert.equal(stand.comfy.count('POST', '/prompt'), before + 1, 'the workflow was submitted once');
    } finally {
      stand.comfy.behaviour.runMs = 60;
    }
  });

  test('a LoRA job trains, reports progress, and uploads its .safetensors', async () => {
    const { jobId } = await stand.rig.enqueue('lora-training', {
      datasetPath: 'faces', trainingName: 'ava-v1',
      config: { baseModel: 'sd15.safetensors', epochs: 2, maxTrainSteps: 40, learningRate: 0.0001 },
      kohyaArgs: ['--fake_mode=slow'],
    });
    const patches = await stand.rig.waitForFinal(jobId, 30_000);
    const final = patches.at(-1);
    assert.equal(final?.status, 'succeeded', JSON.stringify(final));
    const artifacts = final?.result?.artifacts as Array<{ key: string; url: string; sizeBytes: number }>;
    assert.ok(artifacts.length >= 1);
    assert.ok(artifacts.every((a) => a.key.startsWith(`lora-training/${jobId}/`) && a.key.endsWith('.safetensors')));
    assert.equal((await fetch(artifacts[0]?.url ?? '')).status, 200);
    const training = patches.filter((p) => (p.result?.progress as { stage?: string } | undefined)?.stage === 'training');
    assert.ok(training.some((p) => typeof (p.result?.progress as { step?: number }).step === 'number'), 'step progress reached the API');
  });

  test('a LoRA trainer that segfaults is retried, then fails with the end of its log', async () => {
    const { jobId } = await stand.rig.enqueue('lora-training', {
      datasetPath: 'faces', config: { baseModel: 'sd15.safetensors' }, kohyaArgs: ['--fake_mode=segv'],
    });
    const patches = await stand.rig.waitForFinal(jobId, 30_000);
    assert.deepEqual(statusTrail(patches), ['running', 'retrying', 'running', 'failed']);
    const result = patches.at(-1)?.result ?? {};
    assert.equal(result.code, 'TRAINER_CRASHED');
    assert.match(String(result.message), /SIGSEGV/);
    assert.ok(((result.details as { logTail?: string[] }).logTail ?? []).some((line) => line.includes('about to crash')));
  });

  test('a LoRA child SIGKILLed mid-training takes the trainer and its subprocesses with it', async () => {
    const marker = `marker-${Date.now()}`;
    const { jobId } = await stand.rig.enqueue('lora-training', {
      datasetPath: 'faces', config: { baseModel: 'sd15.safetensors' }, kohyaArgs: ['--fake_mode=hang', `--fake_marker=${marker}`],
    }, { attempts: 1 });
    const trainerPid = await waitFor('the trainer to start', () => pidsMatching(marker)[0], 15_000);
    const sleeperPid = await waitFor('the trainer to spawn its worker', () => childPids(trainerPid)[0], 5000);
    for (const pid of childPids(supervisor.pid)) process.kill(pid, 'SIGKILL');
    await waitFor('the trainer and its worker to be gone', () => !isProcessAlive(trainerPid) && !isProcessAlive(sleeperPid), 2000, 20);
    const patches = await stand.rig.waitForFinal(jobId, 15_000);
    assert.equal(patches.at(-1)?.result?.code, 'CHILD_CRASHED');
  });

  test('a LoRA job whose datasetId the API does not know fails once as unrecoverable', async () => {
    const { jobId } = await stand.rig.enqueue('lora-training', { datasetId: 'missing', config: { baseModel: 'x' } }, { attempts: 3 });
    const patches = await stand.rig.waitForFinal(jobId, 30_000);
    assert.deepEqual(statusTrail(patches), ['running', 'failed']);
    assert.equal(patches.at(-1)?.result?.code, 'API_HTTP_404');
  });

  test('a LoRA job resolves datasetId and configId through the API and can dry-run', async () => {
    await mkdir(join(stand.datasetRoot, 'api-set'), { recursive: true });
    stand.rig.api.datasets.set('ds-1', { id: 'ds-1', path: 'api-set', meta: {} });
    stand.rig.api.loraConfigs.set('cfg-1', { id: 'cfg-1', config: { baseModel: 'sdxl.safetensors', networkDim: 16 } });
    const { jobId } = await stand.rig.enqueue('lora-training', { datasetId: 'ds-1', configId: 'cfg-1', dryRun: true });
    const patches = await stand.rig.waitForFinal(jobId, 30_000);
    const result = patches.at(-1)?.result ?? {};
    assert.equal(patches.at(-1)?.status, 'succeeded');
    const args = (result.command as { args: string[] }).args;
    assert.ok(args.includes('--pretrained_model_name_or_path=sdxl.safetensors') || args.join(' ').includes('sdxl.safetensors'));
    assert.ok(args.join(' ').includes(join(stand.datasetRoot, 'api-set')));
  });
});
