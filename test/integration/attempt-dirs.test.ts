/**
 * A processor child that dies mid-job cannot remove its attempt temp dir; the
 * supervisor removes it when the child exits (found by `npm run chaos`: every
 * child SIGKILL left a dir behind until the supervisor restarted).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startRig, statusTrail, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: Rig;
let processors: { dir: string; remove(): Promise<void> };
let supervisor: SupervisorProcess;

before(async () => {
  rig = await startRig();
  processors = await fixtureProcessorDir('behaviours.js');
  supervisor = startSupervisor(baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: join(rig.tmpDir, 'work'), processorDir: processors.dir, prefix: rig.prefix }));
  await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready', 20_000);
});

after(async () => {
  await supervisor.stop('SIGTERM');
  await processors.remove();
  await rig.close();
});

test('the attempt temp dir of a child killed mid-job is removed when the child exits', async () => {
  const runDir = join(rig.tmpDir, 'work', `run-${supervisor.pid}`);
  const { jobId } = await rig.enqueue('content-generation', { behaviour: 'tmpdir-then-sigkill' }, { attempts: 2 });
  const patches = await rig.waitForFinal(jobId, 20_000);
  assert.deepEqual(statusTrail(patches), ['running', 'retrying', 'running', 'failed']);
  const made = patches.map((p) => (p.result?.progress as { dir?: string } | undefined)?.dir).filter(Boolean);
  assert.ok(made.length >= 1 && made.every((dir) => dir?.startsWith(runDir)), 'the killed attempts had made their temp dirs');
  const left = await waitFor('the attempt dirs to be swept', async () => {
    const names = await readdir(runDir).catch(() => [] as string[]);
    return names.length === 0 ? names : undefined;
  }, 5000).catch(async () => readdir(runDir));
  assert.deepEqual(left, [], 'no attempt dir left behind');
});
