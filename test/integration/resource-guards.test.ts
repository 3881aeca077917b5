/**
 * Resource guards through the real supervisor: processor children get the
 * configured heap cap, and temp dirs left by dead supervisors are removed at
 * start-up while those of live siblings stay.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRig, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';

/** The pid of a process that has already exited (a crashed supervisor's stand-in). */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

describe('resource guards', () => {
  let rig: Rig;
  let supervisor: SupervisorProcess;
  let processors: { dir: string; remove(): Promise<void> };
  let tmpRoot: string;
  let staleDir: string;
  let liveDir: string;

  before(async () => {
    rig = await startRig();
    processors = await fixtureProcessorDir('behaviours.js');
    tmpRoot = join(rig.tmpDir, 'work');
    staleDir = join(tmpRoot, `run-${await deadPid()}`);
    liveDir = join(tmpRoot, `run-${process.pid}`);
    for (const dir of [staleDir, liveDir]) {
      await mkdir(join(dir, 'attempt-1'), { recursive: true });
      await writeFile(join(dir, 'attempt-1', 'partial.mp4'), 'left behind');
    }
    supervisor = startSupervisor({
      ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: tmpRoot, processorDir: processors.dir, prefix: rig.prefix }),
      WORKER_CHILD_MAX_OLD_SPACE_MB: '64',
    });
    await supervisor.waitForLog('ready', (line) => line.message === 'supervisor ready');
  });

  after(async () => {
    const exit = await supervisor.stop('SIGTERM');
    await processors.remove();
    await rig.close();
    assert.equal(exit, 0);
  });

  test('temp dirs of dead supervisors are removed at start-up and those of live ones are kept', async () => {
    assert.equal(await exists(staleDir), false, 'the dead supervisor\'s dir is gone');
    assert.equal(await exists(join(liveDir, 'attempt-1', 'partial.mp4')), true, 'a live sibling\'s files stay');
    const line = await supervisor.waitForLog('cleanup', (l) => l.message === 'removed temp dirs left by a previous run');
    assert.equal(line.count, 1);
  });

  test('processor children run with the configured heap cap', async () => {
    const { jobId } = await rig.enqueue('video-generation', { behaviour: 'heap-limit' });
    const result = (await rig.waitForFinal(jobId)).at(-1)?.result ?? {};
    assert.ok((result.execArgv as string[]).includes('--max-old-space-size=64'), JSON.stringify(result.execArgv));
    // V8's limit is the old space plus the young generation: far below the default of gigabytes.
    assert.ok(Number(result.heapLimitMb) >= 64 && Number(result.heapLimitMb) < 200, `heap limit ${String(result.heapLimitMb)} MB`);
  });
});
