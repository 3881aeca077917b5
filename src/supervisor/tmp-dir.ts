/**
 * The worker's temp root. Each supervisor's children work under
 * `<root>/run-<supervisorPid>/`, one private dir per attempt, removed afterwards.
 * At start-up, run dirs of supervisors that no longer exist (crashed, killed)
 * are removed; those of live siblings on the same host are left alone.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';

/**
 * Where children record the process groups they spawn (one file per child pid),
 * read by the supervisor to sweep what a dead child left running.
 */
export function pgroupDir(root: string): string {
  return join(root, 'pgroups');
}

/** Temp dir of the supervisor `supervisorPid` (children pass `process.ppid`). */
export function runDir(root: string, supervisorPid: number): string {
  return join(root, `run-${supervisorPid}`);
}

export async function prepareTmpDir(root: string, logger: Logger): Promise<void> {
  await mkdir(root, { recursive: true });
  const stale = (await readdir(root)).filter((name) => {
    const match = /^run-(\d+)$/.exec(name);
    return match !== null && !isAlive(Number(match[1]));
  });
  await Promise.all(stale.map((name) => rm(join(root, name), { recursive: true, force: true })));
  if (stale.length > 0) logger.info('removed temp dirs left by a previous run', { count: stale.length, root });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
