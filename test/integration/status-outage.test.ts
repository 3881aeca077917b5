/**
 * Durable status delivery through the real supervisor: the API is down for
 * 60 s while jobs finish, and the supervisor is restarted during the outage.
 * Afterwards every job's last accepted PATCH is its final status, none missing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const OUTAGE_MS = 60_000;

describe('status delivery across an API outage and a restart', () => {
  let rig: Rig;
  let processors: { dir: string; remove(): Promise<void> };

  before(async () => {
    rig = await startRig();
    processors = await fixtureProcessorDir('behaviours.js');
  });
  after(async () => {
    await processors.remove();
    await rig.close();
  });

  test('every job ends with exactly one final status, delivered after the API returns', { timeout: 150_000 }, async () => {
    const env = baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: rig.tmpDir, processorDir: processors.dir, prefix: rig.prefix });
    const first = startSupervisor(env);
    await first.waitForLog('ready', (l) => l.message === 'supervisor ready');
    const outageStarted = Date.now();
    rig.api.setMode('error500');
    const jobs = [
      ...(await Promise.all([1, 2, 3, 4].map((n) => rig.enqueue('content-generation', { behaviour: 'ok', value: n })))).map((j) => ({ ...j, expect: 'succeeded' })),
      { ...(await rig.enqueue('video-generation', { behaviour: 'progress' })), expect: 'succeeded' },
      { ...(await rig.enqueue('lora-training', { behaviour: 'unrecoverable' })), expect: 'failed' },
    ];
    const firstHalf = jobs.slice(0, 3);
    await waitFor('the first jobs to finish during the outage', async () => {
      const states = await Promise.all(firstHalf.map(async (j) => (await rig.queue('content-generation').getJob(j.queueJobId))?.finishedOn));
      return states.every(Boolean);
    }, 20_000);
    assert.equal(await first.stop('SIGTERM'), 0, 'the supervisor stops cleanly with statuses still undelivered');

    const second = startSupervisor(env);
    try {
      await second.waitForLog('ready', (l) => l.message === 'supervisor ready');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStarted + OUTAGE_MS - Date.now())));
      rig.api.setMode('ok');
      for (const job of jobs) {
        const patches = await rig.waitForFinal(job.jobId, 30_000);
        const finals = patches.filter((p) => p.status === 'succeeded' || p.status === 'failed');
        assert.equal(finals.length, 1, `${job.jobId}: exactly one final status`);
        assert.equal(patches.at(-1)?.status, job.expect, `${job.jobId}: the last PATCH is the final status`);
        assert.equal(patches[0]?.status, 'running', `${job.jobId}: running came first`);
      }
    } finally {
      assert.equal(await second.stop('SIGTERM'), 0);
    }
  });
});
