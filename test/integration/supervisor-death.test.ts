/**
 * What happens around the supervisor itself: its death (children and their
 * subprocesses must go, the job must be recovered), an orderly SIGTERM, a
 * broken processor file, and invalid configuration.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startRig, statusTrail, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor } from '../helpers/supervisor-process.js';
import { isProcessAlive, waitFor } from '../helpers/wait-for.js';

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('supervisor death and shutdown', () => {
  let rig: Rig;
  let processors: { dir: string; remove(): Promise<void> };
  let env: Record<string, string>;

  before(async () => {
    rig = await startRig();
    processors = await fixtureProcessorDir('behaviours.js');
    env = baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: rig.tmpDir, processorDir: processors.dir, prefix: rig.prefix });
  });

  after(async () => {
    await processors.remove();
    await rig.close();
  });

  test('a SIGKILLed supervisor takes its children and their subprocesses with it, and the job completes after a restart', async () => {
    const first = startSupervisor(env);
    await first.waitForLog('ready', (l) => l.message === 'supervisor ready');
    const { jobId } = await rig.enqueue('video-generation', { behaviour: 'sleeper-then-ok' });
    const progress = await waitFor('the sleeper pids', () =>
      rig.api.patches(jobId).map((p) => p.result?.progress as { childPid?: number; sleeperPid?: number } | undefined).find((p) => p?.sleeperPid));
    const { childPid = -1, sleeperPid = -1 } = progress;
    assert.ok(isProcessAlive(childPid) && isProcessAlive(sleeperPid));

    const killedAt = Date.now();
    process.kill(first.pid, 'SIGKILL');
    await waitFor('child and sleeper to exit', () => !isProcessAlive(childPid) && !isProcessAlive(sleeperPid), 2000, 20);
    const goneAfterMs = Date.now() - killedAt;
    assert.ok(goneAfterMs < 2000, `gone within 2 s (took ${goneAfterMs} ms)`);

    const second = startSupervisor(env);
    try {
      const patches = await rig.waitForFinal(jobId, 20_000);
      assert.equal(patches.at(-1)?.status, 'succeeded');
      assert.deepEqual(patches.at(-1)?.result, { resumed: true });
    } finally {
      assert.equal(await second.stop('SIGTERM'), 0);
    }
  });

  test('SIGTERM waits for an active job that finishes in time, then exits 0 with no child left', async () => {
    const supervisor = startSupervisor(env);
    await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready');
    const { jobId } = await rig.enqueue('content-generation', { behaviour: 'slow', ms: 1000 });
    await waitFor('job running', () => rig.api.patches(jobId).length > 0);
    const children = childrenOf(supervisor.pid);
    assert.ok(children.length > 0, 'a child is running the job');
    assert.equal(await supervisor.stop('SIGTERM'), 0);
    assert.deepEqual(statusTrail(rig.api.patches(jobId)), ['running', 'succeeded'], 'the final status was delivered before exit');
    for (const pid of children) assert.ok(!isProcessAlive(pid), `child ${pid} is gone`);
  });

  test('SIGTERM aborts a job still running at the shutdown timeout and requeues it without spending an attempt', async () => {
    const supervisor = startSupervisor({ ...env, WORKER_SHUTDOWN_TIMEOUT_MS: '500' });
    await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready');
    const { jobId, queueJobId } = await rig.enqueue('lora-training', { behaviour: 'wait-for-abort' });
    await waitFor('job running', () => rig.api.patches(jobId).length > 0);
    const children = childrenOf(supervisor.pid);
    assert.equal(await supervisor.stop('SIGTERM'), 0);
    for (const pid of children) assert.ok(!isProcessAlive(pid), `child ${pid} is gone`);
    const job = await rig.queue('lora-training').getJob(queueJobId);
    assert.ok(job);
    assert.ok(['delayed', 'waiting', 'wait'].includes(await job.getState()), 'the job is back in the queue');
    assert.equal(job.attemptsMade, 0, 'no attempt was spent');
    const last = rig.api.patches(jobId).at(-1);
    assert.deepEqual(last?.result?.progress, { stage: 'requeued', reason: 'worker shutdown' }, 'the API is told the job went back to the queue');
    await job.remove();
  });

  test('SIGTERM kills a job that ignores the abort, and still exits 0 with no orphans', async () => {
    const supervisor = startSupervisor({ ...env, WORKER_SHUTDOWN_TIMEOUT_MS: '500' });
    await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready');
    const { jobId } = await rig.enqueue('video-generation', { behaviour: 'spawn-sleeper' });
    const progress = await waitFor('the sleeper pids', () =>
      rig.api.patches(jobId).map((p) => p.result?.progress as { childPid?: number; sleeperPid?: number } | undefined).find((p) => p?.sleeperPid));
    await rig.queue('video-generation').pause();
    assert.equal(await supervisor.stop('SIGTERM'), 0);
    assert.ok(!isProcessAlive(progress.childPid ?? -1), 'the child is gone');
    assert.ok(!isProcessAlive(progress.sleeperPid ?? -1), 'its subprocess is gone');
    await rig.queue('video-generation').obliterate({ force: true });
  });

  test('a processor file that fails to load stops start-up with a clear error', async () => {
    const broken = await fixtureProcessorDir('broken.js');
    try {
      const supervisor = startSupervisor({ ...env, WORKER_PROCESSOR_DIR: broken.dir });
      assert.equal(await supervisor.exited, 1);
      const failure = supervisor.logs.find((l) => l.message === 'start-up failed');
      for (const queue of ['content-generation', 'video-generation', 'lora-training']) {
        assert.match(String(failure?.error), new RegExp(`${queue}\\.js failed to load: Broken processor fixture: missing dependency`));
      }
    } finally {
      await broken.remove();
    }
  });

  for (const [variable, value] of [['REDIS_PORT', 'abc'], ['VIDEO_GENERATION_CONCURRENCY', '0'], ['LOG_FORMAT', 'xml']] as const) {
    test(`${variable}=${value} stops start-up with exit code 1 and a message naming it`, async () => {
      const supervisor = startSupervisor({ ...env, [variable]: value });
      assert.equal(await supervisor.exited, 1);
      const stderr = supervisor.stderr.join('');
      assert.match(stderr, new RegExp(variable));
      assert.equal(stderr.trim().split('\n').length, 1, 'one message');
      assert.equal(supervisor.logs.length, 0, 'nothing started');
    });
  }
});
