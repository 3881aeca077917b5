/**
 * Fleet-wide caps: two real supervisors on one Redis, each with local
 * concurrency 2. A cap of 1 on content-generation keeps the two hosts to one
 * active job together; video-generation, whose cap is removed (0), runs jobs
 * side by side, which shows the measurement can see overlap at all. An unset
 * variable leaves a cap someone else set.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { startRig, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import type { QueueName } from '../../src/queues.js';

/** The largest number of jobs whose [processedOn, finishedOn] intervals overlap at one instant. */
function maxOverlap(jobs: Job[]): number {
  const edges = jobs.flatMap((job) => [[job.processedOn ?? 0, 1], [job.finishedOn ?? 0, -1]] as const)
    // At equal timestamps an end comes before a start: back-to-back is not overlap.
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let active = 0;
  let max = 0;
  for (const [, delta] of edges) max = Math.max(max, (active += delta));
  return max;
}

describe('fleet-wide concurrency caps', () => {
  let rig: Rig;
  let hosts: SupervisorProcess[] = [];
  let processors: { dir: string; remove(): Promise<void> };

  before(async () => {
    rig = await startRig();
    processors = await fixtureProcessorDir('behaviours.js');
    // Caps set earlier by an operator or another host.
    await rig.queue('video-generation').setGlobalConcurrency(9);
    await rig.queue('lora-training').setGlobalConcurrency(7);
    hosts = ['a', 'b'].map((name) => startSupervisor({
      ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: join(rig.tmpDir, name), processorDir: processors.dir, prefix: rig.prefix }),
      CONTENT_GENERATION_CONCURRENCY: '2',
      VIDEO_GENERATION_CONCURRENCY: '2',
      CONTENT_GENERATION_GLOBAL_CONCURRENCY: '1',
      VIDEO_GENERATION_GLOBAL_CONCURRENCY: '0',
    }));
    await Promise.all(hosts.map((host) => host.waitForLog('ready', (line) => line.message === 'supervisor ready')));
  });

  after(async () => {
    const exits = await Promise.all(hosts.map((host) => host.stop('SIGTERM')));
    await processors.remove();
    await rig.close();
    assert.deepEqual(exits, [0, 0]);
  });

  const runSlowJobs = async (queue: QueueName, count: number): Promise<Job[]> => {
    const ids = await Promise.all(Array.from({ length: count }, () => rig.enqueue(queue, { behaviour: 'slow', ms: 400 })));
    await Promise.all(ids.map(({ jobId }) => rig.waitForFinal(jobId)));
    const jobs = await Promise.all(ids.map(({ queueJobId }) => rig.queue(queue).getJob(queueJobId)));
    return jobs.filter((job): job is Job => job !== undefined && job.finishedOn !== undefined);
  };

  test('with a cap of 1, two hosts of local concurrency 2 never run two jobs of that queue at once', async () => {
    assert.equal(await rig.queue('content-generation').getGlobalConcurrency(), 1);
    const jobs = await runSlowJobs('content-generation', 5);
    assert.equal(jobs.length, 5);
    assert.equal(maxOverlap(jobs), 1);
  });

  test('a cap of 0 removes an existing cap, and the hosts then run jobs side by side', async () => {
    assert.equal(await rig.queue('video-generation').getGlobalConcurrency(), null);
    const jobs = await runSlowJobs('video-generation', 4);
    assert.equal(jobs.length, 4);
    assert.ok(maxOverlap(jobs) >= 2, `expected overlapping jobs, got ${maxOverlap(jobs)}`);
  });

  test('an unset cap leaves the one already in Redis and says so', async () => {
    assert.equal(await rig.queue('lora-training').getGlobalConcurrency(), 7);
    const line = await hosts[0]?.waitForLog('cap left as is', (l) => l.queue === 'lora-training' && String(l.message).startsWith('fleet-wide concurrency cap in force'));
    assert.equal(line?.globalConcurrency, 7);
  });

  test('SIGHUP without WORKER_ENV_FILE re-reads nothing and says so', async () => {
    const host = hosts[1] as SupervisorProcess;
    process.kill(host.pid, 'SIGHUP');
    await waitFor('the reload log', () => host.logs.some((l) => String(l.message).includes('WORKER_ENV_FILE is not set')));
  });
});
