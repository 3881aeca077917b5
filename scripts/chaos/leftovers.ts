/**
 * What a run leaves behind once every supervisor has stopped: processes of the
 * run still alive, and temp dirs. Counted temp dirs: per-attempt dirs under
 * `<WORKER_TMP_DIR>/run-<pid>/` and process-group records in `pgroups/` (both
 * are meant to be removed on every path). Reported apart, not counted: LoRA
 * `attempt-<n>` dirs under LORA_OUTPUT_ROOT, which are outputs by design.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcesses, signal, type RunMarker, type RunProcess } from './processes.js';

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

export async function tempDirsLeft(workerTmpDir: string): Promise<string[]> {
  const left: string[] = [];
  for (const name of await list(workerTmpDir)) {
    if (/^run-\d+$/.test(name)) {
      for (const inner of await list(join(workerTmpDir, name))) left.push(join(name, inner));
    } else if (name === 'pgroups') {
      for (const inner of await list(join(workerTmpDir, name))) left.push(join(name, inner));
    } else {
      left.push(name);
    }
  }
  return left;
}

/** LoRA attempt output dirs (`<job dir>/attempt-<n>`), for information. */
export async function loraAttemptDirs(outputRoot: string): Promise<string[]> {
  const found: string[] = [];
  for (const jobDir of await list(outputRoot)) {
    for (const inner of await list(join(outputRoot, jobDir))) {
      if (/^attempt-\d+$/.test(inner)) found.push(join(jobDir, inner));
    }
  }
  return found;
}

/** The run's processes still alive; then kills them, so the run leaves nothing behind. */
export function reapLeftovers(marker: RunMarker): RunProcess[] {
  const left = runProcesses(marker);
  for (const p of left) signal(p.pid, 'SIGKILL');
  return left;
}
