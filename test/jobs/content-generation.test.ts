import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateJobRequest } from '../../src/api/client.js';
import type { JobContext } from '../../src/jobs/context.js';
import {
  parseContentGenerationData,
  runContentGeneration,
  type ContentGenerationDeps,
} from '../../src/jobs/content-generation/index.js';
import { createLlmClient, type CompletionRequest } from '../../src/llm/index.js';
import { silentLogger } from '../../src/logger.js';
import { startLlmTestServer, reply } from '../helpers/llm-server.js';
import { MemoryObjectStore } from '../helpers/memory-store.js';

/** What survives between attempts of one job: the checkpoint, like BullMQ job data. */
interface JobState {
  checkpoint: Record<string, unknown>;
  progress: Array<Record<string, unknown>>;
}

function newJob(): JobState {
  return { checkpoint: {}, progress: [] };
}

function attemptCtx(job: JobState, attempt = 1, signal = new AbortController().signal): JobContext {
  return {
    jobId: 'job-42',
    queueJobId: '7',
    attempt,
    attempts: 3,
    signal,
    logger: silentLogger,
    reportProgress: async (progress) => {
      job.progress.push(progress);
    },
    checkpoint: structuredClone(job.checkpoint),
    saveCheckpoint: async (values) => {
      Object.assign(job.checkpoint, values);
    },
    makeTmpDir: () => Promise.reject(new Error('content jobs need no temp dir')),
  };
}

function fakes() {
  const llmCalls: CompletionRequest[] = [];
  const created: CreateJobRequest[] = [];
  const store = new MemoryObjectStore();
  const deps: ContentGenerationDeps = {
    llm: {
      complete: async (request) => {
        llmCalls.push(request);
        const n = llmCalls.length;
        return { text: `text ${n}`, usage: { promptTokens: 10 * n, completionTokens: n, totalTokens: 11 * n } };
      },
    },
    store,
    api: {
      createJob: async (request) => {
        created.push(request);
        return { id: `video-${created.length}` };
      },
    },
  };
  return { deps, llmCalls, created, store };
}

void describe('content-generation pipeline', () => {
  void test('generates caption and script, uploads both, creates one video job and reports the tokens', async () => {
    const { deps, llmCalls, created, store } = fakes();
    const job = newJob();
    const input = parseContentGenerationData({ persona: { name: 'Ava' }, context: 'rainy Monday', durationSec: 10, priority: 3 });
    const result = await runContentGeneration(input, deps, attemptCtx(job));

    assert.deepEqual(result, {
      caption: 'text 1',
      script: 'text 2',
      captionKey: 'content-generation/job-42/caption.txt',
      scriptKey: 'content-generation/job-42/script.txt',
      captionUrl: 'http://memory.invalid/test-bucket/content-generation/job-42/caption.txt?X-Amz-Signature=test',
      scriptUrl: 'http://memory.invalid/test-bucket/content-generation/job-42/script.txt?X-Amz-Signature=test',
      childJobId: 'video-1',
      costTok: 11 + 22,
    });
    assert.equal(llmCalls.length, 2);
    assert.match(llmCalls[1]?.messages[1]?.content ?? '', /text 1/, 'the script prompt is based on the caption');
    assert.equal(store.text(result.captionKey), 'text 1');
    assert.equal(store.text(result.scriptKey), 'text 2');
    assert.match(store.objects.get(result.scriptKey)?.contentType ?? '', /^text\/plain/);
    assert.deepEqual(created, [
      {
        type: 'video-generation',
        payload: { parentJobId: 'job-42', caption: 'text 1', script: 'text 2', persona: { name: 'Ava' }, context: 'rainy Monday', durationSec: 10 },
        priority: 3,
      },
    ]);
    assert.deepEqual(job.progress.map((p) => p.stage), ['caption', 'script', 'uploading', 'follow-up']);
    assert.equal(job.checkpoint.childJobId, 'video-1');
  });

  void test('createVideo false makes no follow-up job and reports childJobId null', async () => {
    const { deps, created } = fakes();
    const job = newJob();
    const result = await runContentGeneration(parseContentGenerationData({ createVideo: false }), deps, attemptCtx(job));
    assert.equal(result.childJobId, null);
    assert.equal(created.length, 0);
    assert.ok(!job.progress.some((p) => p.stage === 'follow-up'));
  });

  void test('a retry after the follow-up POST reuses the recorded child id and creates no second job', async () => {
    const { deps, llmCalls, created } = fakes();
    const job = newJob();
    const input = parseContentGenerationData({});
    const first = await runContentGeneration(input, deps, attemptCtx(job, 1));
    // e.g. the final PATCH failed, so BullMQ runs the job again with the same data.
    const second = await runContentGeneration(input, deps, attemptCtx(job, 2));
    assert.equal(created.length, 1);
    assert.equal(second.childJobId, first.childJobId);
    assert.equal(llmCalls.length, 2, 'the texts came from the checkpoint');
    assert.deepEqual(second, first);
  });

  void test('a retry after storage failed does not pay for the LLM again', async () => {
    const { deps, llmCalls, store, created } = fakes();
    const job = newJob();
    const input = parseContentGenerationData({ personaText: 'surfer' });
    store.failUploads = 1;
    await assert.rejects(runContentGeneration(input, deps, attemptCtx(job, 1)), { code: 'STORAGE_UNREACHABLE' });
    assert.equal(created.length, 0);
    const result = await runContentGeneration(input, deps, attemptCtx(job, 2));
    assert.equal(llmCalls.length, 2);
    assert.equal(result.costTok, 33);
    assert.equal(store.text(result.captionKey), 'text 1');
  });

  void test('an LLM failure stops the job before anything is uploaded or created', async () => {
    const { deps, store, created } = fakes();
    deps.llm = { complete: async () => Promise.reject(Object.assign(new Error('LLM provider answered 401: nope'), { code: 'LLM_HTTP_401' })) };
    await assert.rejects(runContentGeneration(parseContentGenerationData({}), deps, attemptCtx(newJob())), { code: 'LLM_HTTP_401' });
    assert.equal(store.objects.size, 0);
    assert.equal(created.length, 0);
  });

  void test('a cancelled job stops before the follow-up POST', async () => {
    const { deps, created } = fakes();
    const controller = new AbortController();
    const job = newJob();
    const ctx = attemptCtx(job, 1, controller.signal);
    ctx.reportProgress = async (progress) => {
      if (progress.stage === 'uploading') controller.abort(new Error('cancelled by user'));
    };
    await assert.rejects(runContentGeneration(parseContentGenerationData({}), deps, ctx), { name: 'AbortedError' });
    assert.equal(created.length, 0);
  });

  void test('with the real client and a local OpenAI-compatible server, the tokens of both calls are the cost', async () => {
    const server = await startLlmTestServer();
    try {
      server.script(
        reply.completion('Coffee, rain, and a good book ☕ #cozy', { prompt: 50, completion: 12 }),
        reply.completion('[0-5s] Rain on the window.\n[5-10s] Steam from the cup.', { prompt: 80, completion: 30 }),
      );
      const { deps, created } = fakes();
      deps.llm = createLlmClient({ baseUrl: server.baseUrl, apiKey: 'k', model: 'm', timeoutMs: 2000, maxRetries: 0 });
      const result = await runContentGeneration(parseContentGenerationData({ durationSec: 10 }), deps, attemptCtx(newJob()));
      assert.equal(result.costTok, 172);
      assert.equal(result.caption, 'Coffee, rain, and a good book ☕ #cozy');
      assert.match(result.script, /^\[0-5s\]/);
      assert.equal(server.requests.length, 2);
      assert.equal(created[0]?.payload.durationSec, 10);
    } finally {
      await server.stop();
    }
  });
});
