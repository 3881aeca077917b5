/**
 * Per-attempt temp dirs carry the pid of the child that made them
 * (`<queue>-<job>-<attempt>-p<pid>-XXXXXX`), so that when a child dies without
 * cleaning up (SIGKILL, OOM, segfault) the supervisor removes what it left at
 * once, instead of at its own next start-up.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The mkdtemp prefix of an attempt dir made by process `pid`. */
export function attemptDirPrefix(queue: string, jobId: string, attempt: number, pid: number): string {
  return `${queue}-${jobId}-${attempt}-p${pid}-`;
}

/** Removes the attempt dirs child `pid` left under `root`; returns how many. Never throws. */
export function sweepAttemptDirs(root: string, pid: number): number {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0; // no run dir yet: the child made nothing
  }
  const marker = `-p${pid}-`;
  let removed = 0;
  for (const name of names) {
    if (!name.includes(marker)) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
      removed += 1;
    } catch {
      // best effort: start-up sweeps the whole run dir of a dead supervisor anyway
    }
  }
  return removed;
}
