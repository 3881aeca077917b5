import { readFileSync } from 'node:fs';

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True while a process with this pid exists (zombies count as gone). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie (exited, not yet reaped) still answers kill(0); /proc tells the truth.
    const status = readProcStatus(pid);
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

function readProcStatus(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}
