/**
 * ComfyUI outages around submission: the attempt waits for ComfyUI instead of
 * failing, and a POST whose answer was lost is not sent twice. Failures are
 * injected through the client's `fetch` seam; the double stays real.
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodeFetch from 'node-fetch';
import { createComfyClient } from '../../src/comfy/client.js';
import type { WorkflowGraph } from '../../src/comfy/workflow.js';
import type { FetchLike } from '../../src/http/fetch-json.js';
import { parseVideoGenerationData, runVideoGeneration, type VideoGenerationDeps } from '../../src/jobs/video-generation/index.js';
import { ComfyTestServer, defaultBehaviour } from '../helpers/comfy-server.js';
import { makeTestVideo, type TestVideo } from '../helpers/make-test-video.js';
import { copyingPostProcess, fakeContext, memoryStore, type FakeContext } from '../helpers/video-pipeline-fakes.js';

const workflow: WorkflowGraph = {
  '1': { class_type: 'EmptyImage', inputs: { width: 320, height: 240, batch_size: 24, color: 0 } },
  '5': { class_type: 'SaveVideo', inputs: { video: ['1', 0], filename_prefix: 'video/ComfyUI' } },
};
const input = parseVideoGenerationData({ caption: 'c', script: 's' });

/** A fetch whose first POST /prompt fails like a refused connection, before or after reaching ComfyUI. */
function failFirstPrompt(mode: 'refused' | 'answer-lost'): FetchLike {
  let failed = false;
  const wrapped: FetchLike = async (...args) => {
    const [url, init] = args;
    const target = typeof url === 'string' ? url : 'href' in url ? url.href : url.url;
    if (!failed && target.endsWith('/prompt') && init?.method === 'POST') {
      failed = true;
      if (mode === 'answer-lost') await nodeFetch(...args);
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    }
    return nodeFetch(...args);
  };
  return wrapped;
}

void describe('ComfyUI outages during submission', () => {
  let video: TestVideo;
  let server: ComfyTestServer;
  let ctx: FakeContext;

  before(async () => {
    video = await makeTestVideo();
    server = await ComfyTestServer.start({ videoPath: video.path });
  });
  after(async () => {
    await server.stop();
    await video.remove();
  });
  beforeEach(async () => {
    server.behaviour = { ...defaultBehaviour };
    ctx = await fakeContext();
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  function deps(fetch: FetchLike): VideoGenerationDeps {
    return {
      comfy: createComfyClient({ baseUrl: server.url, clientId: 'outage-test', timeoutMs: 2000, fetch }),
      workflow,
      postProcess: copyingPostProcess(),
      store: memoryStore(),
      config: { timeoutMs: 2000, pollIntervalMs: 3000, waitTimeoutMs: 5000, outageBackoffInitialMs: 20, outageBackoffMaxMs: 50, maxResubmits: 1 },
    };
  }

  void test('a submit refused by a down ComfyUI is sent again once it answers, within the same attempt', async () => {
    const before = server.count('POST', '/prompt');
    const result = await runVideoGeneration(input, deps(failFirstPrompt('refused')), ctx);
    assert.equal(server.count('POST', '/prompt'), before + 1);
    assert.equal(result.comfyPromptId, ctx.checkpoint.comfyPromptId);
  });

  void test('a submit that reached ComfyUI but lost its answer is not submitted twice', async () => {
    const before = server.count('POST', '/prompt');
    const result = await runVideoGeneration(input, deps(failFirstPrompt('answer-lost')), ctx);
    assert.equal(server.count('POST', '/prompt'), before + 1);
    assert.equal(result.comfyPromptId, ctx.checkpoint.comfyPromptId);
  });
});
