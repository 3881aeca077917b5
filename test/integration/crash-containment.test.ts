/**
 * The crash table of issue 2, through the real supervisor and real children:
 * each behaviour's exact PATCH sequence, retries, and a supervisor that is still
 * alive (and still processing) after every crash, on every queue.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, statusTrail, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { isProcessAlive } from '../helpers/wait-for.js';
import { QUEUE_NAMES } from '../../src/queues.js';

describe('crash containment', () => {
  let rig: Rig;
  let supervisor: SupervisorProcess;
  let processors: { dir: string; remove(): Promise<void> };

  before(async () => {
    rig = await startRig();
    processors = await fixtureProcessorDir('behaviours.js');
    supervisor = startSupervisor({
      ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: rig.tmpDir, processorDir: processors.dir, prefix: rig.prefix }),
      CONTENT_GENERATION_CONCURRENCY: '2',
    });
    await supervisor.waitForLog('ready', (line) => line.message === 'supervisor ready');
  });

  after(async () => {
    const exit = await supervisor.stop('SIGTERM');
    await processors.remove();
    await rig.close();
    assert.equal(exit, 0, 'the supervisor exits 0 on SIGTERM');
  });

  test('a successful job reports running then succeeded with its result', async () => {
    const { jobId } = await rig.enqueue('content-generation', { behaviour: 'ok', value: 42 });
    const patches = await rig.waitForFinal(jobId);
    assert.deepEqual(statusTrail(patches), ['running', 'succeeded']);
    assert.deepEqual(patches.at(-1)?.result, { ok: true, echo: 42 });
  });

  test('a thrown error is retried, then reported failed with its message and attempt counts', async () => {
    const { jobId } = await rig.enqueue('content-generation', { behaviour: 'throw' });
    const patches = await rig.waitForFinal(jobId);
    assert.deepEqual(statusTrail(patches), ['running', 'retrying', 'running', 'failed']);
    assert.deepEqual(patches.at(-1)?.result, { message: 'boom', code: 'FIXTURE_BOOM', attemptsMade: 2, attempts: 2 });
    const retrying = patches[1]?.result?.progress as Record<string, unknown>;
    assert.equal(retrying.attempt, 1);
    assert.equal(retrying.attempts, 2);
    assert.equal(retrying.error, 'boom');
  });

  test('an unrecoverable error fails after one attempt', async () => {
    const { jobId } = await rig.enqueue('lora-training', { behaviour: 'unrecoverable' }, { attempts: 3 });
    const patches = await rig.waitForFinal(jobId);
    assert.deepEqual(statusTrail(patches), ['running', 'failed']);
    assert.equal(patches.at(-1)?.result?.attemptsMade, 1);
    assert.equal(patches.at(-1)?.result?.code, 'FIXTURE_BAD');
  });

  test('progress reaches the API as running updates, at most about one per second', async () => {
    const { jobId } = await rig.enqueue('video-generation', { behaviour: 'progress' });
    const patches = await rig.waitForFinal(jobId);
    const progress = rig.api.requests.filter((r) => r.path === `/jobs/${jobId}` && JSON.stringify(r.body).includes('"percent"'));
    assert.ok(progress.length >= 1 && progress.length <= 3, `expected 1-3 progress PATCHes over ~1.5 s, got ${progress.length}`);
    for (let i = 1; i < progress.length; i += 1) {
      assert.ok((progress[i]?.at ?? 0) - (progress[i - 1]?.at ?? 0) >= 900, 'progress PATCHes are throttled to 1/s');
    }
    assert.equal(patches.at(-1)?.status, 'succeeded');
  });

  for (const [behaviour, named] of [['segv', 'SIGSEGV'], ['sigkill', 'SIGKILL'], ['exit1', 'code 1']] as const) {
    for (const queue of QUEUE_NAMES) {
      test(`a child that dies by ${named} on ${queue} fails only that attempt and is retried`, async () => {
        const { jobId } = await rig.enqueue(queue, { behaviour });
        const patches = await rig.waitForFinal(jobId);
        assert.deepEqual(statusTrail(patches), ['running', 'retrying', 'running', 'failed']);
        const final = patches.at(-1)?.result ?? {};
        assert.equal(final.code, 'CHILD_CRASHED');
        assert.match(String(final.message), new RegExp(named));
        assert.ok(isProcessAlive(supervisor.pid), 'the supervisor survives');
        const next = await rig.enqueue(queue, { behaviour: 'ok' });
        assert.equal((await rig.waitForFinal(next.jobId)).at(-1)?.status, 'succeeded', 'the queue keeps processing');
      });
    }
  }

  test('a job whose first attempt segfaults succeeds on its retry', async () => {
    const { jobId } = await rig.enqueue('video-generation', { behaviour: 'segv-once' });
    const patches = await rig.waitForFinal(jobId);
    assert.deepEqual(statusTrail(patches), ['running', 'retrying', 'running', 'succeeded']);
    assert.deepEqual(patches.at(-1)?.result, { recovered: true, attempt: 2 });
  });

  test('a payload that fails validation fails at once, naming the field, and the next job runs', async () => {
    const { jobId } = await rig.enqueue('content-generation', { behaviour: 42 }, { attempts: 3 });
    const patches = await rig.waitForFinal(jobId);
    assert.deepEqual(statusTrail(patches), ['running', 'failed']);
    assert.match(String(patches.at(-1)?.result?.message), /behaviour/);
    assert.equal(patches.at(-1)?.result?.code, 'INVALID_PAYLOAD');
  });

  test('job data that is not an {jobId, payload} object fails once as unrecoverable', async () => {
    const queue = rig.queue('content-generation');
    const cases: Array<[unknown, RegExp]> = [
      [[1, 2, 3], /data must be an object/],
      [{ jobId: 'no-payload-1' }, /payload is missing/],
      [{ jobId: 'text-payload-1', payload: 'hello' }, /payload must be an object/],
      [{ jobId: 'huge-1', payload: { behaviour: 'ok', value: 'x'.repeat(300_000) } }, /payload is \d+ bytes/],
    ];
    for (const [data, reason] of cases) {
      const job = await queue.add('content-generation', data, { attempts: 3 });
      const failed = await waitForState(rig, job.id ?? '', 'failed');
      assert.equal(failed.attemptsMade, 1, `${JSON.stringify(data).slice(0, 40)} is not retried`);
      assert.match(failed.failedReason, reason);
    }
    const patches = rig.api.patches('no-payload-1');
    assert.deepEqual(statusTrail(patches), ['running', 'failed']);
  });

  test('a job without a jobId is processed but not synced', async () => {
    const job = await rig.queue('content-generation').add('content-generation', { payload: { behaviour: 'ok' } });
    await waitForState(rig, job.id ?? '', 'completed');
    await supervisor.waitForLog('missing-jobId warning', (l) => String(l.message).includes('no jobId'));
  });
});

async function waitForState(rig: Rig, queueJobId: string, state: 'failed' | 'completed'): Promise<{ attemptsMade: number; failedReason: string }> {
  const { waitFor } = await import('../helpers/wait-for.js');
  return waitFor(`job ${queueJobId} to be ${state}`, async () => {
    // State first, then a fresh read of the job: reading the job first could see
    // it from before the failure was recorded.
    if ((await rig.queue('content-generation').getJobState(queueJobId)) !== state) return undefined;
    const job = await rig.queue('content-generation').getJob(queueJobId);
    return job ? { attemptsMade: job.attemptsMade, failedReason: job.failedReason ?? '' } : undefined;
  }, 15_000);
}
