import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createComfyClient, type ComfyClient } from '../../src/comfy/client.js';
import { findVideoOutput } from '../../src/comfy/outputs.js';
import { waitUntilReachable } from '../../src/comfy/readiness.js';
import { silentLogger } from '../../src/logger.js';
import { ComfyTestServer, defaultBehaviour } from '../helpers/comfy-server.js';
import { makeTestVideo, type TestVideo } from '../helpers/make-test-video.js';

const graph = {
  '1': { class_type: 'EmptyImage', inputs: { width: 320, height: 240, batch_size: 4, color: 0 } },
  '5': { class_type: 'SaveVideo', inputs: { video: ['1', 0], filename_prefix: 'video/j1_ComfyUI', format: 'mp4', codec: 'h264' } },
};

void describe('ComfyUI HTTP client against the test double', () => {
  let video: TestVideo;
  let server: ComfyTestServer;
  let client: ComfyClient;
  let dir: string;

  before(async () => {
    video = await makeTestVideo();
    server = await ComfyTestServer.start({ videoPath: video.path });
    client = createComfyClient({ baseUrl: server.url, clientId: 'test-client', timeoutMs: 2000 });
    dir = await mkdtemp(join(tmpdir(), 'comfy-client-'));
  });
  after(async () => {
    await server.stop();
    await video.remove();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.behaviour = { ...defaultBehaviour };
  });

  void test('system_stats reports the ComfyUI version', async () => {
    assert.deepEqual(await client.systemStats(), { comfyuiVersion: '0.3.65' });
  });

  void test('a submitted prompt keeps the id the worker chose and its history appears when it has run', async () => {
    const { promptId } = await client.submitPrompt({ graph, promptId: 'chosen-1', clientId: 'test-client' });
    assert.equal(promptId, 'chosen-1');
    assert.deepEqual(server.requests.find((r) => r.path === '/prompt')?.body, { prompt: graph, client_id: 'test-client', prompt_id: 'chosen-1' });
    assert.equal(await client.getHistory('chosen-1'), undefined);
    const queue = await client.getQueue();
    assert.ok([...queue.running, ...queue.pending].includes('chosen-1'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const entry = await client.getHistory('chosen-1');
    assert.equal(entry?.statusStr, 'success');
  });

  void test('a rejected workflow is unrecoverable and the message names the failing node and input', async () => {
    server.behaviour.reject = 'prompt_outputs_failed_validation';
    await assert.rejects(client.submitPrompt({ graph, promptId: 'bad', clientId: 'c' }), (error: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(error.name, 'UnrecoverableError');
      assert.equal(error.code, 'COMFY_INVALID_PROMPT');
      assert.match(error.message, /Prompt outputs failed validation \(Required input is missing: video\); node 5 \(SaveVideo\): required_input_missing video/);
      assert.deepEqual(error.details?.nodeIds, ['5']);
      return true;
    });
  });

  void test('the video is streamed from /view into a file of the source size', async () => {
    await client.submitPrompt({ graph, promptId: 'dl-1', clientId: 'c' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const entry = await client.getHistory('dl-1');
    const file = entry && findVideoOutput(entry.outputs);
    assert.ok(file);
    const dest = join(dir, 'dl.mp4');
    const { sizeBytes } = await client.download(file, dest);
    assert.equal(sizeBytes, (await stat(video.path)).size);
    assert.equal((await stat(dest)).size, sizeBytes);
    const viewed = server.requests.filter((r) => r.path === '/view');
    assert.equal(viewed.length, 1);
  });

  void test('a file ComfyUI does not have is a retryable download failure', async () => {
    await assert.rejects(
      client.download({ filename: 'missing.mp4', subfolder: '', type: 'output', nodeId: '5', key: 'images' }, join(dir, 'x.mp4')),
      { code: 'COMFY_DOWNLOAD_FAILED', name: 'RetryableJobError' },
    );
  });

  void test('cancelling sends both the queue delete and the interrupt with the prompt id', async () => {
    await client.cancelPrompt('p-9');
    assert.deepEqual(server.requests.filter((r) => r.path === '/queue' && r.method === 'POST').at(-1)?.body, { delete: ['p-9'] });
    assert.deepEqual(server.requests.filter((r) => r.path === '/interrupt').at(-1)?.body, { prompt_id: 'p-9' });
  });

  void test('the ComfyUI version is logged once per client however often readiness is checked', async () => {
    const infos: Array<Record<string, unknown> | undefined> = [];
    const logger = { ...silentLogger, info: (message: string, meta?: Record<string, unknown>) => message === 'comfyui reachable' && infos.push(meta) };
    const fresh = createComfyClient({ baseUrl: server.url, clientId: 'fresh', timeoutMs: 2000 });
    const options = { signal: new AbortController().signal, logger, initialDelayMs: 10, maxDelayMs: 10 };
    await waitUntilReachable(fresh, options);
    await waitUntilReachable(fresh, options);
    assert.deepEqual(infos, [{ comfyui_version: '0.3.65', url: server.url }]);
  });

  void test('an outage is waited out with back-off until system_stats answers again', async () => {
    await server.goDown();
    const waits: number[] = [];
    const probe = waitUntilReachable(client, {
      signal: new AbortController().signal,
      logger: silentLogger,
      initialDelayMs: 20,
      maxDelayMs: 40,
      onWaiting: ({ nextProbeMs }) => {
        waits.push(nextProbeMs);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.comeUp();
    await probe;
    assert.ok(waits.length >= 3, `expected several probes, got ${waits.length}`);
    assert.deepEqual(waits.slice(0, 3), [20, 40, 40]);
  });

  void test('waiting for an unreachable ComfyUI stops when the job is cancelled', async () => {
    await server.goDown();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by user')), 50);
    await assert.rejects(
      waitUntilReachable(client, { signal: controller.signal, logger: silentLogger, initialDelayMs: 10, maxDelayMs: 10 }),
      { name: 'AbortedError' },
    );
    await server.comeUp();
  });
});
