/**
 * Resident memory of a process tree from /proc: the root plus every
 * descendant (found through each process's parent pid), summed. A sampler
 * polls it on a timer and keeps the peak, so short-lived children (ffmpeg)
 * are counted while they live.
 */
import { readdirSync, readFileSync } from 'node:fs';

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process ended between listing and reading
  }
}

/** VmRSS of one process in kB (0 if gone or a zombie). */
export function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readOrEmpty(`/proc/${pid}/status`));
  return match ? Number(match[1]) : 0;
}

/** The root pid and all its live descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // Field 4 of /proc/<pid>/stat is the ppid; the command name (field 2) may hold spaces, so split after ')'.
    const stat = readOrEmpty(`/proc/${name}/stat`);
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isFinite(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Sum of VmRSS over the tree, in MB, with the per-process breakdown. */
export function treeRssMb(root: number): { totalMb: number; processes: number } {
  const pids = processTree(root);
  const kb = pids.reduce((sum, pid) => sum + rssKb(pid), 0);
  return { totalMb: kb / 1024, processes: pids.length };
}

export interface RssSampler {
  /** Stops sampling and returns the peak sum (MB) and how many samples were taken. */
  stop(): { peakMb: number; samples: number; maxProcesses: number };
}

export function sampleTreeRss(root: number, intervalMs = 50): RssSampler {
  let peakMb = 0;
  let samples = 0;
  let maxProcesses = 0;
  let stopped = false;
  const take = (): void => {
    const { totalMb, processes } = treeRssMb(root);
    peakMb = Math.max(peakMb, totalMb);
    maxProcesses = Math.max(maxProcesses, processes);
    samples += 1;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      // Idempotent: only the first call takes the closing sample.
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        take();
      }
      return { peakMb, samples, maxProcesses };
    },
  };
}
