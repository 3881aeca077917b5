import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createComfyClient, type ComfyClient } from '../../src/comfy/client.js';
import type { WorkflowGraph } from '../../src/comfy/workflow.js';
import type { PostProcessRequest } from '../../src/media/types.js';
import { parseVideoGenerationData, runVideoGeneration, type VideoGenerationDeps } from '../../src/jobs/video-generation/index.js';
import { ComfyTestServer, defaultBehaviour } from '../helpers/comfy-server.js';
import { makeTestVideo, type TestVideo } from '../helpers/make-test-video.js';
import { copyingPostProcess, fakeContext, memoryStore, type FakeContext, type MemoryStore } from '../helpers/video-pipeline-fakes.js';

const workflow: WorkflowGraph = {
  '1': { class_type: 'EmptyImage', inputs: { width: 320, height: 240, batch_size: 24, color: 0 } },
  '2': { class_type: 'PrimitiveString', inputs: { value: '{{caption}} / {{script}}' } },
  '4': { class_type: 'CreateVideo', inputs: { images: ['1', 0], fps: 24 } },
  '5': { class_type: 'SaveVideo', inputs: { video: ['4', 0], filename_prefix: 'video/ComfyUI', format: 'mp4', codec: 'h264' } },
};
const input = parseVideoGenerationData({ caption: 'Sunset', script: 'Walk', persona: { name: 'Ava' }, durationSec: 1 });

void describe('video-generation pipeline against the ComfyUI double', () => {
  let video: TestVideo;
  let server: ComfyTestServer;
  let comfy: ComfyClient;
  let ctx: FakeContext;
  let store: MemoryStore;
  let postCalls: PostProcessRequest[];
  let n = 0;

  before(async () => {
    video = await makeTestVideo();
    server = await ComfyTestServer.start({ videoPath: video.path });
    comfy = createComfyClient({ baseUrl: server.url, clientId: 'pipeline-test', timeoutMs: 2000 });
  });
  after(async () => {
    await server.stop();
    await video.remove();
  });
  beforeEach(async () => {
    server.behaviour = { ...defaultBehaviour };
    ctx = await fakeContext({ jobId: `job-${++n}` });
    store = memoryStore();
    postCalls = [];
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  function deps(overrides: Partial<VideoGenerationDeps['config']> = {}): VideoGenerationDeps {
    return {
      comfy,
      workflow,
      postProcess: copyingPostProcess(postCalls),
      store,
      config: { timeoutMs: 2000, pollIntervalMs: 3000, waitTimeoutMs: 5000, outageBackoffInitialMs: 20, outageBackoffMaxMs: 50, maxResubmits: 2, ...overrides },
    };
  }
  const prompts = (): number => server.count('POST', '/prompt');
  const stages = (): unknown[] => [...new Set(ctx.progress.map((p) => p.stage))];

  void test('a job renders, downloads, post-processes and uploads, returning the documented result', async () => {
    const before = prompts();
    const result = await runVideoGeneration(input, deps(), ctx);
    assert.equal(prompts(), before + 1);
    const submitted = server.requests.filter((r) => r.path === '/prompt').at(-1)?.body as { prompt: WorkflowGraph; prompt_id: string; client_id: string };
    assert.equal(submitted.prompt['2']?.inputs.value, 'Sunset / Walk');
    assert.equal(submitted.prompt['5']?.inputs.filename_prefix, `video/${ctx.jobId}_ComfyUI`);
    assert.match(submitted.client_id, /^pipeline-test-[0-9a-f]{6}$/);
    assert.equal(result.comfyPromptId, submitted.prompt_id);
    assert.deepEqual(ctx.saved, [{ comfyPromptId: submitted.prompt_id }]);
    assert.equal(result.videoKey, `video-generation/${ctx.jobId}/final.mp4`);
    assert.match(result.videoUrl, /X-Amz-Signature/);
    assert.deepEqual(result.video, { width: 1080, height: 1920, durationSec: 1, sizeBytes: store.objects.get(result.videoKey)?.sizeBytes });
    assert.equal(store.objects.get(result.videoKey)?.contentType, 'video/mp4');
    assert.deepEqual([result.caption, result.script, result.persona, result.durationSec], ['Sunset', 'Walk', { name: 'Ava' }, 1]);
    assert.equal(postCalls[0]?.inputPath.startsWith(ctx.tmpDir), true);
    assert.deepEqual(stages(), ['submitting', 'queued', 'generating', 'downloading', 'post-processing', 'uploading', 'uploaded']);
    assert.ok(ctx.progress.some((p) => p.stage === 'generating' && p.value === 3 && p.max === 3 && p.percent === 100));
  });

  void test('a VideoHelperSuite output under gifs is found and downloaded', async () => {
    server.behaviour.output = 'vhs';
    const result = await runVideoGeneration(input, deps(), ctx);
    assert.ok(store.objects.has(result.videoKey));
  });

  void test('with the WebSocket refused the job still completes by polling', async () => {
    server.behaviour.refuseWebSocket = true;
    const result = await runVideoGeneration(input, deps({ pollIntervalMs: 25 }), ctx);
    assert.ok(store.objects.has(result.videoKey));
  });

  void test('a workflow ComfyUI rejects fails unrecoverably, naming the node, without post-processing', async () => {
    server.behaviour.reject = 'prompt_outputs_failed_validation';
    await assert.rejects(runVideoGeneration(input, deps(), ctx), (error: Error & { code?: string }) =>
      error.name === 'UnrecoverableError' && error.code === 'COMFY_INVALID_PROMPT' && /node 5 \(SaveVideo\)/.test(error.message));
    assert.equal(postCalls.length, 0);
  });

  void test('an execution error is retryable and names the node type and exception', async () => {
    server.behaviour.outcome = 'error';
    await assert.rejects(runVideoGeneration(input, deps(), ctx), (error: Error & { code?: string }) =>
      error.name === 'RetryableJobError' && error.code === 'COMFY_EXECUTION_ERROR' && /SaveVideo/.test(error.message) && /CUDA out of memory/.test(error.message));
  });

  void test('an interrupted prompt is reported as interrupted', async () => {
    server.behaviour.outcome = 'interrupted';
    await assert.rejects(runVideoGeneration(input, deps(), ctx), { code: 'COMFY_INTERRUPTED', name: 'RetryableJobError' });
  });

  void test('a run without a video output is unrecoverable and lists what ComfyUI produced', async () => {
    server.behaviour.outcome = 'no-video';
    await assert.rejects(runVideoGeneration(input, deps(), ctx), (error: Error & { code?: string }) =>
      error.name === 'UnrecoverableError' && error.code === 'COMFY_NO_VIDEO_OUTPUT' && /node 5 images: .*_00001_\.png/.test(error.message));
  });

  void test('a retry re-attaches to the checkpointed prompt without a second POST /prompt', async () => {
    const first = await runVideoGeneration(input, deps(), ctx);
    const before = prompts();
    const retry = await fakeContext({ jobId: ctx.jobId, checkpoint: { comfyPromptId: first.comfyPromptId } });
    try {
      const second = await runVideoGeneration(input, deps(), retry);
      assert.equal(prompts(), before);
      assert.equal(second.comfyPromptId, first.comfyPromptId);
      assert.deepEqual(retry.saved, []);
    } finally {
      await retry.cleanup();
    }
  });

  void test('a retry re-attaches to a checkpointed prompt that is still running', async () => {
    server.behaviour.runMs = 200;
    await comfy.submitPrompt({ graph: workflow, promptId: 'still-running', clientId: 'someone-else' });
    const before = prompts();
    const retry = await fakeContext({ jobId: ctx.jobId, checkpoint: { comfyPromptId: 'still-running' } });
    try {
      const result = await runVideoGeneration(input, deps({ pollIntervalMs: 25 }), retry);
      assert.equal(prompts(), before);
      assert.equal(result.comfyPromptId, 'still-running');
    } finally {
      await retry.cleanup();
    }
  });

  void test('a retry after a failed checkpointed run submits the workflow again instead of failing the same way', async () => {
    server.behaviour.outcome = 'error';
    const failed = await runVideoGeneration(input, deps(), ctx).catch((error: unknown) => error);
    assert.equal((failed as { code?: string }).code, 'COMFY_EXECUTION_ERROR');
    server.behaviour.outcome = 'success';
    const before = prompts();
    const retry = await fakeContext({ jobId: ctx.jobId, checkpoint: { ...ctx.checkpoint } });
    try {
      const result = await runVideoGeneration(input, deps(), retry);
      assert.equal(prompts(), before + 1);
      assert.notEqual(result.comfyPromptId, ctx.checkpoint.comfyPromptId);
    } finally {
      await retry.cleanup();
    }
  });

  void test('a checkpointed prompt ComfyUI no longer knows is submitted again', async () => {
    const retry = await fakeContext({ jobId: ctx.jobId, checkpoint: { comfyPromptId: 'forgotten-by-a-restart' } });
    const before = prompts();
    try {
      const result = await runVideoGeneration(input, deps(), retry);
      assert.equal(prompts(), before + 1);
      assert.notEqual(result.comfyPromptId, 'forgotten-by-a-restart');
      assert.equal(retry.checkpoint.comfyPromptId, result.comfyPromptId);
    } finally {
      await retry.cleanup();
    }
  });

  void test('a prompt lost in a ComfyUI restart during the wait is resubmitted and the job succeeds', async () => {
    server.behaviour.runMs = 400;
    const before = prompts();
    setTimeout(() => {
      server.restart();
      server.behaviour.runMs = 30;
    }, 120);
    const result = await runVideoGeneration(input, deps({ pollIntervalMs: 30 }), ctx);
    assert.equal(prompts(), before + 2);
    assert.ok(store.objects.has(result.videoKey));
  });

  void test('a ComfyUI outage before submission is waited out inside the attempt and the job succeeds', async () => {
    await server.goDown();
    setTimeout(() => void server.comeUp(), 300);
    const result = await runVideoGeneration(input, deps(), ctx);
    assert.ok(store.objects.has(result.videoKey));
    assert.ok(ctx.progress.filter((p) => p.stage === 'waiting-for-comfyui').length >= 3);
  });

  void test('cancelling the job while ComfyUI runs deletes and interrupts the prompt', async () => {
    server.behaviour.outcome = 'hang';
    const interrupts = server.count('POST', '/interrupt');
    setTimeout(() => ctx.controller.abort(new Error('cancelled by user')), 150);
    await assert.rejects(runVideoGeneration(input, deps(), ctx), { name: 'AbortedError' });
    assert.equal(server.count('POST', '/interrupt'), interrupts + 1);
  });

  void test('a deadline on a stuck prompt deletes and interrupts it and fails with COMFY_TIMEOUT', async () => {
    server.behaviour.outcome = 'hang';
    const interrupts = server.count('POST', '/interrupt');
    await assert.rejects(runVideoGeneration(input, deps({ waitTimeoutMs: 200, pollIntervalMs: 50 }), ctx), { code: 'COMFY_TIMEOUT' });
    assert.equal(server.count('POST', '/interrupt'), interrupts + 1);
  });
});
