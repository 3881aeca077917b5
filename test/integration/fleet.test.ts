/**
 * Several hosts on one Redis: 1, 2 and 4 real supervisors consume the same
 * queue without running a job twice at once; a SIGKILLed supervisor's job is
 * finished by another after its lock expires; the hash-tagged prefix a Redis
 * Cluster needs (`{influencerai}`) works on a plain Redis.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { enqueueJob } from '../../src/enqueue.js';
import { startRig, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { overlaps, readRuns } from '../helpers/job-intervals.js';
import { waitFor } from '../helpers/wait-for.js';

const LOCK_MS = 3000;
const STALLED_MS = 1000;

describe('several supervisors on one Redis', () => {
  let rig: Rig;
  let processors: { dir: string; remove(): Promise<void> };
  const running = new Set<SupervisorProcess>();

  const env = (prefix = rig.prefix): Record<string, string> => ({
    ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: join(rig.tmpDir, 'work'), processorDir: processors.dir, prefix }),
    WORKER_LOCK_DURATION_MS: String(LOCK_MS),
    WORKER_STALLED_INTERVAL_MS: String(STALLED_MS),
    CONTENT_GENERATION_CONCURRENCY: '1',
    LOG_LEVEL: 'info',
  });
  const start = async (prefix?: string): Promise<SupervisorProcess> => {
    const supervisor = startSupervisor(env(prefix));
    running.add(supervisor);
    await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready', 60_000);
    return supervisor;
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all([...running].map((s) => s.stop('SIGTERM')));
    running.clear();
  };
  const finalsOf = (jobId: string): string[] =>
    rig.api.patches(jobId).filter((p) => p.status === 'succeeded' || p.status === 'failed').map((p) => p.status);

  before(async () => {
    rig = await startRig();
    processors = await fixtureProcessorDir('behaviours.js');
  });

  after(async () => {
    await stopAll();
    await processors.remove();
    await rig.close();
  });

  for (const count of [1, 2, 4]) {
    test(`with ${count} supervisor(s), every job runs once, never twice at the same time`, async () => {
      const file = join(rig.tmpDir, `runs-${count}.jsonl`);
      const supervisors = await Promise.all(Array.from({ length: count }, () => start()));
      try {
        await checkRuns(count, file, supervisors);
      } finally {
        await stopAll();
      }
    });
  }

  async function checkRuns(count: number, file: string, supervisors: SupervisorProcess[]): Promise<void> {
    const ids = await Promise.all(Array.from({ length: 12 }, () =>
      rig.enqueue('content-generation', { behaviour: 'interval', file, ms: 150 }).then((j) => j.jobId)));
    for (const id of ids) await rig.waitForFinal(id, 30_000);
    await stopAll();
    const runs = await readRuns(file);
    assert.deepEqual(overlaps(runs), [], 'no job ran twice at the same time');
    for (const id of ids) {
      assert.equal(runs.filter((r) => r.jobId === id && r.end !== undefined).length, 1, `job ${id} completed exactly once`);
      assert.deepEqual(finalsOf(id), ['succeeded'], `one final status for ${id}`);
    }
    const byHost = new Map<number, number>();
    for (const r of runs) byHost.set(r.ppid, (byHost.get(r.ppid) ?? 0) + 1);
    console.log(`# ${count} supervisor(s): jobs per supervisor ${JSON.stringify([...byHost.values()])}`);
    assert.ok([...byHost.keys()].every((pid) => supervisors.some((s) => s.pid === pid)));
    if (count > 1) assert.ok(byHost.size > 1, 'the work was shared between supervisors');
  }

  test('a job of a SIGKILLed supervisor is finished by another within lockDuration + stalled interval', async () => {
    const file = join(rig.tmpDir, 'runs-kill.jsonl');
    try {
      await checkRecovery(file);
    } finally {
      await stopAll();
    }
  });

  async function checkRecovery(file: string): Promise<void> {
    const victim = await start();
    const { jobId } = await rig.enqueue('content-generation', { behaviour: 'interval', file, ms: 2500 });
    await waitFor('the job to start on the first supervisor', async () => (await readRuns(file)).some((r) => r.ppid === victim.pid));
    const rescuer = await start();
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    running.delete(victim);
    const patches = await rig.waitForFinal(jobId, 30_000);
    assert.equal(patches.at(-1)?.status, 'succeeded');
    const runs = await readRuns(file);
    const rescued = runs.find((r) => r.ppid === rescuer.pid);
    assert.ok(rescued, 'the other supervisor ran the job');
    const recoveryMs = rescued.start - killedAt;
    console.log(`# recovery after supervisor SIGKILL: restarted after ${recoveryMs} ms, finished after ${Date.now() - killedAt} ms (lock ${LOCK_MS} ms, stalled check every ${STALLED_MS} ms)`);
    // Detection latency is lock expiry (at most lockDuration) plus up to two
    // stalled checks: the mark-and-sweep needs one pass to mark, one to move.
    assert.ok(recoveryMs <= LOCK_MS + 2 * STALLED_MS, `restarted within lock + stalled interval (+1 interval): ${recoveryMs} ms`);
    assert.deepEqual(overlaps(runs, killedAt), [], 'the killed attempt did not overlap the rescue');
    assert.equal(runs.filter((r) => r.end !== undefined).length, 1, 'completed exactly once');
    assert.deepEqual(finalsOf(jobId), ['succeeded']);
  }

  test('the hash-tagged prefix {influencerai} works on a plain Redis and tags every key', async () => {
    const prefix = '{influencerai}';
    try {
      await checkPrefix(prefix);
    } finally {
      await stopAll();
    }
  });

  async function checkPrefix(prefix: string): Promise<void> {
    await start(prefix);
    const { jobId } = await enqueueJob('content-generation', { behaviour: 'ok', value: 1 }, { connection: rig.connection, prefix, attempts: 1, backoffDelayMs: 100 });
    const patches = await rig.waitForFinal(jobId, 20_000);
    assert.equal(patches.at(-1)?.status, 'succeeded');
    // Keys of this check only: the earlier tests in this file used the rig's own prefix.
    const keys = (await rig.connection.keys('*')).filter((key) => !key.startsWith(`${rig.prefix}:`));
    assert.ok(keys.length > 0);
    assert.ok(keys.every((key) => key.startsWith(`${prefix}:`)), keys.join(', '));
    assert.ok(keys.some((key) => key.startsWith(`${prefix}:content-generation:`)));
  }
});
