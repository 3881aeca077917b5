/**
 * A processor child that dies while it is still starting (killed, OOM) must
 * fail the retain, so the job fails its attempt and is retried. Found by the
 * chaos run: BullMQ's Child drops its listeners on 'exit', before the 'close'
 * that would have rejected init, so the job hung for ever with its lock renewed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardedChildPool } from '../../src/supervisor/guarded-child-pool.js';
import { bullmqChildMainFile, childExecArgv } from '../../src/supervisor/child-options.js';
import { waitFor } from '../helpers/wait-for.js';

function childPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

test('a processor child killed during start-up fails the retain instead of hanging', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'worker-test-slow-start-'));
  // A processor whose module takes 30 s to load: the child is still initialising when killed.
  const slow = join(dir, 'slow-start.mjs');
  await writeFile(slow, 'await new Promise((resolve) => setTimeout(resolve, 30_000));\nexport default async () => 1;\n');
  const pool = new GuardedChildPool({
    mainFile: bullmqChildMainFile(),
    useWorkerThreads: false,
    workerForkOptions: { execArgv: childExecArgv({ childMaxOldSpaceMb: undefined }), detached: true },
    pgroupDir: dir,
    killGraceMs: 1000,
    hooks: { onForkError: () => undefined, onChildExit: () => undefined },
  });
  const before = new Set(childPids());
  const retained = pool.retain(slow);
  try {
    const pid = await waitFor('the child to be forked', () => childPids().find((p) => !before.has(p)), 5000);
    process.kill(pid, 'SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('retain still pending 10 s after the child died')), 10_000); });
    await assert.rejects(Promise.race([retained, hung]).finally(() => clearTimeout(timer)), /exited during start-up.*SIGKILL/);
    assert.equal(pool.size(), 0, 'the dead child was not pooled');
  } finally {
    retained.catch(() => undefined);
    await pool.clean();
    await rm(dir, { recursive: true, force: true });
  }
});
