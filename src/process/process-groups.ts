/**
 * Process groups that this process (a sandboxed processor child) has spawned.
 *
 * Subprocesses run in their own process group so a timeout can kill a whole
 * tree (the trainer spawns workers of its own). The groups are also written to
 * `<dir>/<pid>.pgroups`, one id per line, so that if this child dies without a
 * chance to clean up (SIGKILL, OOM), the supervisor can still kill what it left.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class ProcessGroupRegistry {
  private readonly groups = new Set<number>();
  private dir: string | undefined;

  /** @param ownerPid the pid the record file is named after (this process). */
  constructor(private readonly ownerPid = process.pid) {}

  /** Starts writing the record file into `dir` (the supervisor sweeps it after a crash). */
  persistTo(dir: string): void {
    this.dir = dir;
    this.persist();
  }

  add(pgid: number): void {
    this.groups.add(pgid);
    this.persist();
  }

  delete(pgid: number): void {
    this.groups.delete(pgid);
    this.persist();
  }

  /** Sends `signal` to every registered group; groups already gone are ignored. */
  signalAll(signal: NodeJS.Signals): void {
    for (const pgid of this.groups) signalGroup(pgid, signal);
  }

  size(): number {
    return this.groups.size;
  }

  private persist(): void {
    if (this.dir === undefined) return;
    const file = recordFile(this.dir, this.ownerPid);
    try {
      if (this.groups.size === 0) {
        rmSync(file, { force: true });
        return;
      }
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(file, [...this.groups].join('\n'));
    } catch {
      // The record is a safety net for crashes; failing to write it must not fail the job.
    }
  }
}

/** Sends a signal to a process group; returns false if the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Supervisor side: kills every group a dead child recorded, then its own group
 * (children are forked as group leaders, so `-childPid` reaches anything they
 * spawned without a group of its own), and removes the record.
 */
export function sweepChildGroups(dir: string, childPid: number): number {
  const file = recordFile(dir, childPid);
  let killed = 0;
  try {
    const ids = readFileSync(file, 'utf8').split('\n').map(Number).filter(Number.isInteger);
    for (const pgid of ids) if (pgid > 1 && signalGroup(pgid, 'SIGKILL')) killed += 1;
  } catch {
    // No record: the child spawned nothing that outlived it.
  }
  rmSync(file, { force: true });
  if (signalGroup(childPid, 'SIGKILL')) killed += 1;
  return killed;
}

function recordFile(dir: string, pid: number): string {
  return join(dir, `${pid}.pgroups`);
}
