/**
 * Process discovery for the chaos run, read from /proc: which processes this
 * run started (so faults only ever hit our own processes, and leftovers can be
 * counted after everything stopped). A process belongs to the run when its
 * environment carries the run's marker variable, or its command line names the
 * run's private directory (trainers and ffmpeg get their own environment).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface RunProcess {
  pid: number;
  ppid: number;
  /** Short name from /proc/<pid>/comm (e.g. `node`, `ffmpeg`, `sh`). */
  comm: string;
  cmdline: string;
}

/** What ties a process to this run. */
export interface RunMarker {
  /** `NAME=value` that every supervisor of the run has in its environment. */
  envEntry: string;
  /** A directory path only this run uses. */
  rootDir: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended while we looked
  }
}

function describe(pid: number): RunProcess | undefined {
  const stat = read(`/proc/${pid}/stat`);
  const cmdline = read(`/proc/${pid}/cmdline`);
  if (stat === undefined || cmdline === undefined) return undefined;
  // The comm field is parenthesised and may contain spaces; ppid follows the state.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  if (fields[0] === 'Z') return undefined; // a zombie is already dead
  return {
    pid,
    ppid: Number(fields[1]),
    comm: stat.slice(stat.indexOf('(') + 1, close),
    cmdline: cmdline.split('\0').join(' ').trim(),
  };
}

/** Every live process of this run, except `excludePid` (the chaos script itself). */
export function runProcesses(marker: RunMarker, excludePid = process.pid): RunProcess[] {
  const found: RunProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === excludePid) continue;
    const environ = read(`/proc/${pid}/environ`);
    const info = describe(pid);
    if (!info || environ === undefined) continue;
    if (environ.split('\0').includes(marker.envEntry) || info.cmdline.includes(marker.rootDir)) found.push(info);
  }
  return found;
}

/** Direct children of `pid` that belong to the run. */
export function childrenOf(pid: number, marker: RunMarker): RunProcess[] {
  return runProcesses(marker).filter((p) => p.ppid === pid);
}

/** All descendants of `pid` within the run (children, their ffmpeg, trainers...). */
export function descendantsOf(pid: number, all: RunProcess[]): RunProcess[] {
  const result: RunProcess[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const parent = frontier.pop();
    for (const p of all) {
      if (p.ppid === parent) {
        result.push(p);
        frontier.push(p.pid);
      }
    }
  }
  return result;
}

/** Sends a signal; false when the process was already gone. */
export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
