/**
 * CPU time of processes from /proc/<pid>/stat, for telling where a row's time
 * goes (supervisor, processor children, Redis, this process).
 */
import { readFileSync } from 'node:fs';
import { processTree } from './rss.js';

// USER_HZ is 100 on every Linux this runs on.
const TICK_MS = 10;

/** utime + stime of one process in ms (0 if it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

export function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** CPU ms per named group: the root alone, its descendants, and any extra pids. */
export function cpuSnapshot(groups: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + cpuMs(pid), 0)]));
}

/** Pids of the descendants of `root` (not `root` itself). */
export function descendants(root: number): number[] {
  return processTree(root).filter((pid) => pid !== root);
}

/** The difference of two snapshots, divided by `per` (e.g. jobs), rounded to 0.01. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>, per = 1): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((key) => [key, Math.round((((after[key] ?? 0) - (before[key] ?? 0)) / per) * 100) / 100]));
}
