/**
 * Completion-detection latency of the video pipeline against the ComfyUI test
 * double: from the moment the double writes the history entry (ComfyUI has
 * finished) to the moment the worker's `GET /view` arrives (download starts).
 * Prints p50/p95/max for the WebSocket path and for the polling fallback.
 * Run: npx tsc -p tsconfig.json && node dist/scripts/bench-comfy-latency.js [runs]
 */
import { createComfyClient } from '../src/comfy/client.js';
import type { WorkflowGraph } from '../src/comfy/workflow.js';
import { parseVideoGenerationData, runVideoGeneration } from '../src/jobs/video-generation/index.js';
import { ComfyTestServer } from '../test/helpers/comfy-server.js';
import { makeTestVideo } from '../test/helpers/make-test-video.js';
import { copyingPostProcess, fakeContext, memoryStore } from '../test/helpers/video-pipeline-fakes.js';

const runs = Number(process.argv[2] ?? 40);
const workflow: WorkflowGraph = {
  '1': { class_type: 'EmptyImage', inputs: { width: 320, height: 240, batch_size: 24, color: 0 } },
  '5': { class_type: 'SaveVideo', inputs: { video: ['1', 0], filename_prefix: 'video/ComfyUI' } },
};
const input = parseVideoGenerationData({ caption: 'bench', script: 'bench' });

async function measure(server: ComfyTestServer, websocket: boolean, pollIntervalMs: number): Promise<number[]> {
  server.behaviour = { ...server.behaviour, refuseWebSocket: !websocket, runMs: 30, historyDelayMs: 2 };
  const comfy = createComfyClient({ baseUrl: server.url, clientId: 'bench', timeoutMs: 5000 });
  const latencies: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const ctx = await fakeContext({ jobId: `bench-${websocket ? 'ws' : 'poll'}-${i}` });
    try {
      const config = { timeoutMs: 5000, pollIntervalMs, waitTimeoutMs: 60_000, outageBackoffInitialMs: 100, outageBackoffMaxMs: 1000, maxResubmits: 0 };
      const result = await runVideoGeneration(input, { comfy, workflow, postProcess: copyingPostProcess(), store: memoryStore(), config }, ctx);
      const finished = server.engine.finishedAt.get(result.comfyPromptId);
      const viewAt = server.requests.filter((r) => r.path === '/view').at(-1)?.at;
      if (finished !== undefined && viewAt !== undefined) latencies.push(viewAt - finished);
    } finally {
      await ctx.cleanup();
    }
  }
  return latencies.sort((a, b) => a - b);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const video = await makeTestVideo();
const server = await ComfyTestServer.start({ videoPath: video.path });
try {
  for (const [label, websocket, interval] of [['websocket', true, 5000], ['polling (1000 ms interval)', false, 1000]] as const) {
    const sorted = await measure(server, websocket, interval);
    console.log(`${label}: runs=${sorted.length} p50=${pct(sorted, 50)} ms p95=${pct(sorted, 95)} ms max=${sorted.at(-1)} ms`);
  }
} finally {
  await server.stop();
  await video.remove();
}
