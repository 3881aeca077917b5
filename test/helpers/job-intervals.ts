/**
 * Reads the `start`/`end` lines the `interval` behaviour appends, and checks
 * that no job ran twice at the same time. Pure apart from reading the file.
 */
import { readFile } from 'node:fs/promises';

export interface IntervalEvent {
  jobId: string;
  event: 'start' | 'end';
  pid: number;
  ppid: number;
  at: number;
}

export interface Run {
  jobId: string;
  pid: number;
  ppid: number;
  start: number;
  /** Undefined when the attempt never finished (its process was killed). */
  end: number | undefined;
}

export async function readRuns(file: string): Promise<Run[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const events = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as IntervalEvent);
  const runs: Run[] = [];
  for (const e of events) {
    if (e.event === 'start') runs.push({ jobId: e.jobId, pid: e.pid, ppid: e.ppid, start: e.at, end: undefined });
    else {
      const open = runs.find((r) => r.pid === e.pid && r.jobId === e.jobId && r.end === undefined);
      if (open) open.end = e.at;
    }
  }
  return runs;
}

/**
 * Pairs of runs of one job that overlapped. An unfinished run is taken to last
 * until `killedAt` (when its process was killed), or for ever when not given.
 */
export function overlaps(runs: Run[], killedAt?: number): Array<[Run, Run]> {
  const found: Array<[Run, Run]> = [];
  const endOf = (r: Run): number => r.end ?? killedAt ?? Number.POSITIVE_INFINITY;
  for (const [i, a] of runs.entries()) {
    for (const b of runs.slice(i + 1)) {
      if (a.jobId === b.jobId && a.start < endOf(b) && b.start < endOf(a)) found.push([a, b]);
    }
  }
  return found;
}
