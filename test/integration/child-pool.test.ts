/**
 * The guarded child pool on its own, with real forks: a fork that cannot start
 * is reported instead of crashing the process, and idle children can be released.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardedChildPool, type ChildExit } from '../../src/supervisor/guarded-child-pool.js';
import { bullmqChildMainFile, childExecArgv } from '../../src/supervisor/child-options.js';
import { FIXTURE_PROCESSORS } from '../helpers/supervisor-process.js';
import { isProcessAlive, waitFor } from '../helpers/wait-for.js';

const processor = join(FIXTURE_PROCESSORS, 'behaviours.js');

async function withPool(execPath: string | undefined, body: (pool: GuardedChildPool, events: { forkErrors: Error[]; exits: ChildExit[] }) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-test-pool-'));
  const events = { forkErrors: [] as Error[], exits: [] as ChildExit[] };
  const pool = new GuardedChildPool({
    mainFile: bullmqChildMainFile(),
    useWorkerThreads: false,
    workerForkOptions: { execArgv: childExecArgv({ childMaxOldSpaceMb: undefined }), detached: true, ...(execPath ? { execPath } : {}) },
    pgroupDir: dir,
    killGraceMs: 1000,
    hooks: { onForkError: (error) => events.forkErrors.push(error), onChildExit: (exit) => events.exits.push(exit) },
  });
  try {
    await body(pool, events);
  } finally {
    await pool.clean();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('guarded child pool', () => {
  test('a child that cannot be forked fails that retain and is reported, without crashing the process', async () => {
    await withPool('/nonexistent/node', async (pool, events) => {
      await assert.rejects(pool.retain(processor), /Error initializing child|ENOENT|spawn/);
      await waitFor('the fork error to be reported', () => events.forkErrors.length > 0, 2000);
      assert.match(String((events.forkErrors[0] as { code?: string }).code), /ENOENT/);
      assert.equal(pool.size(), 0, 'nothing was pooled');
    });
  });

  test('trimIdle releases idle children above the new limit and they exit', async () => {
    await withPool(undefined, async (pool, events) => {
      const children = await Promise.all([pool.retain(processor), pool.retain(processor), pool.retain(processor)]);
      for (const child of children) pool.release(child);
      assert.equal(pool.size(), 3);
      const released = await pool.trimIdle(processor, 1);
      assert.equal(released, 2);
      assert.equal(pool.size(), 1);
      const gone = children.map((c) => c.pid).filter((pid) => !isProcessAlive(pid));
      assert.equal(gone.length, 2, 'two children exited');
      assert.ok(events.exits.every((exit) => exit.expected), 'the pool marks its own kills as expected');
    });
  });
});
