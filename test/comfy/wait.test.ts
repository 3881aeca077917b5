import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createComfyClient, type ComfyClient } from '../../src/comfy/client.js';
import { openComfyEvents } from '../../src/comfy/events.js';
import { promptOutcome } from '../../src/comfy/history.js';
import { waitForPrompt, type WaitProgress } from '../../src/comfy/wait.js';
import { silentLogger } from '../../src/logger.js';
import { ComfyTestServer, defaultBehaviour } from '../helpers/comfy-server.js';
import { makeTestVideo, type TestVideo } from '../helpers/make-test-video.js';

const graph = {
  '1': { class_type: 'EmptyImage', inputs: {} },
  '5': { class_type: 'SaveVideo', inputs: { video: ['1', 0], filename_prefix: 'video/w_ComfyUI' } },
};

void describe('waiting for a ComfyUI prompt', () => {
  let video: TestVideo;
  let server: ComfyTestServer;
  let client: ComfyClient;
  let n = 0;

  before(async () => {
    video = await makeTestVideo();
    server = await ComfyTestServer.start({ videoPath: video.path });
    client = createComfyClient({ baseUrl: server.url, clientId: 'wait-test', timeoutMs: 2000 });
  });
  after(async () => {
    await server.stop();
    await video.remove();
  });
  beforeEach(() => {
    server.behaviour = { ...defaultBehaviour };
  });

  async function run(options: { pollIntervalMs: number; deadlineMs?: number; socket?: boolean; afterSubmit?: () => void }) {
    const clientId = `wait-test-${++n}`;
    const events = options.socket === false ? undefined : await openComfyEvents({ url: client.webSocketUrl(clientId), clientId, connectTimeoutMs: 1000, logger: silentLogger });
    const promptId = `p-${n}`;
    await client.submitPrompt({ graph, promptId, clientId });
    options.afterSubmit?.();
    const progress: WaitProgress[] = [];
    const started = Date.now();
    try {
      const result = await waitForPrompt({
        client, events, promptId, signal: new AbortController().signal, logger: silentLogger,
        pollIntervalMs: options.pollIntervalMs, deadlineMs: options.deadlineMs ?? 5000, onProgress: (p) => progress.push(p),
      });
      return { result, progress, promptId, events, elapsed: Date.now() - started };
    } finally {
      events?.close();
    }
  }

  void test('over the WebSocket, completion is noticed long before the next poll and progress is reported', async () => {
    const { result, progress, events, elapsed } = await run({ pollIntervalMs: 3000 });
    assert.ok(events);
    assert.equal(result.kind, 'finished');
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
    assert.deepEqual(progress.filter((p) => 'value' in p).map((p) => 'value' in p && p.value), [1, 2, 3]);
  });

  void test('with the WebSocket refused, polling /history finds the result', async () => {
    server.behaviour.refuseWebSocket = true;
    const clientId = 'refused';
    const events = await openComfyEvents({ url: client.webSocketUrl(clientId), clientId, connectTimeoutMs: 1000, logger: silentLogger });
    assert.equal(events.connected, false);
    events.close();
    const { result } = await run({ pollIntervalMs: 30, socket: false });
    assert.equal(result.kind, 'finished');
    assert.ok(server.requests.filter((r) => r.path.startsWith('/history/')).length >= 2);
  });

  void test('an execution error is returned as a finished entry whose outcome names the node type', async () => {
    server.behaviour.outcome = 'error';
    const { result } = await run({ pollIntervalMs: 3000 });
    assert.equal(result.kind, 'finished');
    assert.ok(result.kind === 'finished');
    assert.deepEqual(promptOutcome(result.entry), { kind: 'error', nodeId: '5', nodeType: 'SaveVideo', exceptionType: 'RuntimeError', exceptionMessage: 'CUDA out of memory' });
  });

  void test('at the deadline the prompt is deleted and interrupted and the wait fails with COMFY_TIMEOUT', async () => {
    server.behaviour.outcome = 'hang';
    const before = server.count('POST', '/interrupt');
    await assert.rejects(run({ pollIntervalMs: 20, deadlineMs: 200 }), { code: 'COMFY_TIMEOUT', name: 'RetryableJobError' });
    assert.equal(server.count('POST', '/interrupt'), before + 1);
    const deleted = server.requests.filter((r) => r.method === 'POST' && r.path === '/queue').at(-1)?.body;
    assert.deepEqual(deleted, { delete: [`p-${n}`] });
  });

  void test('a prompt that ComfyUI forgot in a restart is reported as vanished instead of waited on', async () => {
    server.behaviour.outcome = 'hang';
    const { result } = await run({ pollIntervalMs: 30, afterSubmit: () => setTimeout(() => server.restart(), 50) });
    assert.equal(result.kind, 'vanished');
  });
});
