/**
 * The final-status safety net: a job that finishes in Redis without the
 * lifecycle seeing it (here: a plain BullMQ worker with no lifecycle attached)
 * still gets exactly one final status, read back from Redis's event stream.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, UnrecoverableError } from 'bullmq';
import { startRig, type Rig } from '../helpers/harness.js';
import { startFinalReconciler, type FinalReconciler } from '../../src/lifecycle/final-reconciler.js';
import { createStatusReporter } from '../../src/lifecycle/status-reporter.js';
import { createOutboxStore } from '../../src/status/outbox-store.js';
import { createDelivery } from '../../src/status/delivery.js';
import { createApiClient } from '../../src/api/client.js';
import { silentLogger } from '../../src/logger.js';

describe('final status reconciler', () => {
  let rig: Rig;
  let reconciler: FinalReconciler;
  let worker: Worker;

  before(async () => {
    rig = await startRig();
    const api = createApiClient({ baseUrl: rig.api.url });
    const store = createOutboxStore(rig.connection, { prefix: rig.prefix });
    const delivery = createDelivery({ store, patchJob: (id, update, signal) => api.patchJob(id, update, signal), logger: silentLogger, sweepIntervalMs: 100 });
    delivery.start();
    const reporter = createStatusReporter({ store, delivery, logger: silentLogger });
    reconciler = startFinalReconciler({
      queues: ['content-generation'],
      connection: { host: rig.redis.host, port: rig.redis.port },
      client: rig.connection,
      prefix: rig.prefix,
      reporter,
      logger: silentLogger,
      delayMs: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // let QueueEvents start reading the stream
    worker = new Worker('content-generation', async (job) => {
      if ((job.data as { payload: { fail?: boolean } }).payload.fail) throw new UnrecoverableError('bad input');
      return { ok: true };
    }, { connection: rig.connection, prefix: rig.prefix });
  });

  after(async () => {
    await worker.close();
    await reconciler.close();
    await rig.close();
  });

  test('a completed job with no lifecycle event is reported succeeded with its result', async () => {
    const { jobId } = await rig.enqueue('content-generation', { fail: false });
    const patches = await rig.waitForFinal(jobId, 10_000);
    assert.deepEqual(patches.map((p) => p.status), ['succeeded']);
    assert.deepEqual(patches[0]?.result, { ok: true });
  });

  test('a failed job with no lifecycle event is reported failed with its reason and attempts', async () => {
    const { jobId } = await rig.enqueue('content-generation', { fail: true });
    const patches = await rig.waitForFinal(jobId, 10_000);
    assert.deepEqual(patches.map((p) => p.status), ['failed']);
    assert.equal(patches[0]?.result?.message, 'bad input');
    assert.equal(patches[0]?.result?.attemptsMade, 1);
  });
});
