/**
 * The two sides of the sandbox-throughput row, each consuming its own queue
 * on the same Redis and reporting to the same API stand-in, so they can stay
 * up together and batches can be interleaved:
 *  - sandboxed: the real supervisor running the behaviour fixture in children;
 *  - in-process: a plain BullMQ Worker with a function processor and the same
 *    lifecycle, status reporter and API client, so the PATCHes are the same.
 */
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'bullmq';
import winston from 'winston';
import { createApiClient } from '../../src/api/client.js';
import { attachLifecycle } from '../../src/lifecycle/lifecycle.js';
import { createOutboxStore } from '../../src/status/outbox-store.js';
import { createDelivery } from '../../src/status/delivery.js';
import { createStatusReporter } from '../../src/lifecycle/status-reporter.js';
import type { Rig } from '../../test/helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor } from '../../test/helpers/supervisor-process.js';

export interface ThroughputSide {
  queue: string;
  /** The process doing the work (the supervisor, or this bench process). */
  pid: number;
  close(): Promise<void>;
}

const PRELOAD = pathToFileURL(fileURLToPath(new URL('./cpu-prof-preload.js', import.meta.url))).href;

// Both sides log at info (the production default), JSON-formatted.
const LOG_LEVEL = 'info';

export async function startSandboxedSide(rig: Rig, concurrency: number, cpuProfDir?: string): Promise<ThroughputSide> {
  const processors = await fixtureProcessorDir('behaviours.js');
  const supervisor = startSupervisor({
    ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: `${rig.tmpDir}/work`, processorDir: processors.dir, prefix: rig.prefix }),
    WORKER_QUEUES: 'content-generation',
    CONTENT_GENERATION_CONCURRENCY: String(concurrency),
    LOG_LEVEL,
    // Children inherit NODE_OPTIONS, so they are profiled too (node refuses --cpu-prof there).
    ...(cpuProfDir ? { NODE_OPTIONS: `--import=${PRELOAD}`, BENCH_CPU_PROF_DIR: cpuProfDir } : {}),
  });
  try {
    await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready', 30_000);
  } catch (error) {
    await supervisor.stop('SIGKILL');
    await processors.remove();
    throw error;
  }
  return {
    queue: 'content-generation',
    pid: supervisor.pid,
    async close() {
      await supervisor.stop('SIGTERM');
      await processors.remove();
    },
  };
}

export async function startInProcessSide(rig: Rig, concurrency: number): Promise<ThroughputSide> {
  const queue = 'bench-in-process';
  // Same format and level as the supervisor's logger; the lines go nowhere instead of a pipe.
  const logger = winston.createLogger({
    level: LOG_LEVEL,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: { role: 'supervisor', pid: process.pid },
    transports: [new winston.transports.Stream({ stream: new Writable({ write: (_chunk, _encoding, done) => done() }) })],
  });
  const api = createApiClient({ baseUrl: rig.api.url });
  const connection = rig.redis.client();
  // The same status path as the supervisor (durable outbox, then PATCH), so the
  // ratio isolates what the sandbox costs.
  const store = createOutboxStore(connection, { prefix: rig.prefix });
  const delivery = createDelivery({ store, patchJob: (id, update, signal) => api.patchJob(id, update, signal), logger });
  const reporter = createStatusReporter({ store, delivery, logger });
  delivery.start();
  const worker = new Worker(queue, async (job) => ({ ok: true, echo: (job.data as { payload: { value?: unknown } }).payload.value ?? null }), {
    connection, prefix: rig.prefix, concurrency,
  });
  attachLifecycle(worker, { queue, reporter, logger });
  await worker.waitUntilReady();
  return {
    queue,
    pid: process.pid,
    async close() {
      await worker.close();
      await reporter.flush(5000);
      connection.disconnect();
    },
  };
}
