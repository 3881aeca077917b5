/**
 * SIGHUP reload through the real supervisor: WORKER_ENV_FILE is re-read, a
 * lower concurrency releases idle children at once and busy ones when their
 * jobs end, and an invalid file keeps the settings in force.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRig, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor, type LogLine, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { isProcessAlive, waitFor } from '../helpers/wait-for.js';

describe('SIGHUP reload', () => {
  let rig: Rig;
  let supervisor: SupervisorProcess;
  let processors: { dir: string; remove(): Promise<void> };
  let envFile: string;

  /** Sends SIGHUP and waits for the reload's outcome logged after this point. */
  const reload = async (fileText: string | undefined): Promise<LogLine> => {
    if (fileText === undefined) await rm(envFile, { force: true });
    else await writeFile(envFile, fileText);
    const from = supervisor.logs.length;
    process.kill(supervisor.pid, 'SIGHUP');
    return waitFor('the reload outcome', () =>
      supervisor.logs.slice(from).find((l) => l.message === 'configuration reloaded' || l.message === 'reload rejected, keeping the current settings'));
  };

  /** Runs `count` whoami jobs at once and returns the pids of the children that ran them. */
  const runWhoami = async (count: number, ms: number, whileRunning?: () => Promise<void>): Promise<number[]> => {
    const jobs = await Promise.all(Array.from({ length: count }, () => rig.enqueue('content-generation', { behaviour: 'whoami', ms })));
    if (whileRunning) {
      await waitFor('every job to be running', () => jobs.every(({ jobId }) => rig.api.patches(jobId).some((p) => p.status === 'running')));
      await whileRunning();
    }
    const finals = await Promise.all(jobs.map(({ jobId }) => rig.waitForFinal(jobId)));
    return finals.map((patches) => Number(patches.at(-1)?.result?.pid));
  };

  before(async () => {
    rig = await startRig();
    processors = await fixtureProcessorDir('behaviours.js');
    envFile = join(rig.tmpDir, 'worker.env');
    await writeFile(envFile, '# tuned by the operator\nCONTENT_GENERATION_CONCURRENCY=3\n');
    supervisor = startSupervisor({
      ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: join(rig.tmpDir, 'work'), processorDir: processors.dir, prefix: rig.prefix }),
      CONTENT_GENERATION_CONCURRENCY: '1',
      WORKER_ENV_FILE: envFile,
    });
    await supervisor.waitForLog('ready', (line) => line.message === 'supervisor ready');
  });

  after(async () => {
    const exit = await supervisor.stop('SIGTERM');
    await processors.remove();
    await rig.close();
    assert.equal(exit, 0, 'the supervisor exits 0 on SIGTERM');
  });

  test('the env file overrides the environment at start-up', async () => {
    const consuming = await supervisor.waitForLog('consuming', (l) => l.message === 'consuming queue' && l.queue === 'content-generation');
    assert.equal(consuming.concurrency, 3);
  });

  test('lowering concurrency from 3 to 1 releases the idle children above the limit', async () => {
    const pids = new Set(await runWhoami(3, 600));
    assert.equal(pids.size, 3, 'three children ran the three jobs');
    const outcome = await reload('CONTENT_GENERATION_CONCURRENCY=1\n');
    assert.deepEqual(outcome.concurrency, [{ queue: 'content-generation', from: 3, to: 1 }]);
    const changed = await supervisor.waitForLog('concurrency changed', (l) => l.message === 'concurrency changed');
    assert.equal(changed.releasedChildren, 2);
    await waitFor('two children to exit', () => [...pids].filter((pid) => !isProcessAlive(pid)).length === 2);
    const [survivor] = [...pids].filter(isProcessAlive);
    assert.deepEqual(await runWhoami(1, 0), [survivor], 'the remaining child keeps working');
  });

  test('children busy at the reload are released when their jobs end', async () => {
    await reload('CONTENT_GENERATION_CONCURRENCY=3\n');
    let lowered: LogLine | undefined;
    const pids = new Set(await runWhoami(3, 1500, async () => {
      lowered = await reload('CONTENT_GENERATION_CONCURRENCY=1\n');
    }));
    assert.deepEqual(lowered?.concurrency, [{ queue: 'content-generation', from: 3, to: 1 }]);
    assert.equal(pids.size, 3);
    await waitFor('all but one child to exit', () => [...pids].filter(isProcessAlive).length === 1);
    assert.ok(supervisor.logs.some((l) => l.message === 'released idle children above the concurrency'));
  });

  test('an invalid value is rejected by name and the running settings stay', async () => {
    const outcome = await reload('CONTENT_GENERATION_CONCURRENCY=zero\nLOG_LEVEL=debug\n');
    assert.equal(outcome.level, 'error');
    assert.deepEqual(outcome.variables, ['CONTENT_GENERATION_CONCURRENCY']);
    assert.match(String(outcome.error), /CONTENT_GENERATION_CONCURRENCY: must be an integer >= 1, got "zero"/);
    const pids = await runWhoami(2, 300);
    assert.equal(pids[0], pids[1], 'still one child at concurrency 1');
  });

  test('a missing env file is rejected by name, and other changed variables are reported as needing a restart', async () => {
    const missing = await reload(undefined);
    assert.deepEqual(missing.variables, ['WORKER_ENV_FILE']);
    assert.match(String(missing.error), /cannot read .*ENOENT/);
    const outcome = await reload('CONTENT_GENERATION_CONCURRENCY=1\nWORKER_SHUTDOWN_TIMEOUT_MS=4000\n');
    assert.deepEqual(outcome.concurrency, []);
    assert.deepEqual(outcome.restartRequired, ['WORKER_SHUTDOWN_TIMEOUT_MS']);
    assert.ok(isProcessAlive(supervisor.pid));
  });
});
