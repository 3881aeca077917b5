/**
 * Runs one external program the way every subprocess in the worker must run:
 * an argv array (never a shell), its own process group, line-by-line output with
 * a bounded tail, and SIGTERM → SIGKILL escalation on abort or timeout.
 */
import { spawn } from 'node:child_process';
import { LineSplitter, LineTail } from './line-splitter.js';
import { signalGroup, type ProcessGroupRegistry } from './process-groups.js';

export interface SubprocessOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called for every non-empty stdout/stderr line, `\r`-redrawn lines included. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Lines kept for error messages and results. */
  tailLines?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  registry?: ProcessGroupRegistry;
}

export interface SubprocessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the worker itself stopped the process. */
  stoppedBy: 'abort' | 'timeout' | undefined;
  tail: string[];
  durationMs: number;
  pid: number | undefined;
}

/** Resolves when the process group leader has exited; rejects only if it could not start. */
export function runSubprocess(options: SubprocessOptions): Promise<SubprocessResult> {
  const started = Date.now();
  const tail = new LineTail(options.tailLines ?? 200);
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    let stoppedBy: SubprocessResult['stoppedBy'];
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;

    const stop = (why: 'abort' | 'timeout'): void => {
      if (stoppedBy || pid === undefined) return;
      stoppedBy = why;
      signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), options.killGraceMs ?? 5000);
    };
    const onAbort = (): void => stop('abort');

    const attach = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): LineSplitter => {
      const splitter = new LineSplitter((line) => {
        tail.push(line);
        options.onLine?.(line, name);
      });
      stream?.on('data', (chunk: Buffer) => splitter.push(chunk));
      return splitter;
    };
    const outSplitter = attach(child.stdout, 'stdout');
    const errSplitter = attach(child.stderr, 'stderr');

    if (pid !== undefined) options.registry?.add(pid);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop('abort');
    if (options.timeoutMs !== undefined) {
      timeoutTimer = setTimeout(() => stop('timeout'), options.timeoutMs);
    }

    const cleanup = (): void => {
      options.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timeoutTimer);
      if (pid !== undefined) {
        // The leader is gone; anything left in its group is killed with it.
        signalGroup(pid, 'SIGKILL');
        options.registry?.delete(pid);
      }
      clearTimeout(killTimer);
    };

    child.once('error', (error) => {
      cleanup();
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      outSplitter.end();
      errSplitter.end();
      cleanup();
      resolve({
        exitCode,
        signal,
        stoppedBy,
        tail: tail.snapshot(),
        durationMs: Date.now() - started,
        pid,
      });
    });
  });
}

/** A one-line description of how a process ended, for error messages. */
export function describeExit(result: Pick<SubprocessResult, 'exitCode' | 'signal' | 'stoppedBy'>): string {
  if (result.stoppedBy === 'timeout') return 'killed after its timeout';
  if (result.stoppedBy === 'abort') return 'stopped because the job was cancelled';
  if (result.signal) return `killed by ${result.signal}`;
  return `exited with code ${String(result.exitCode)}`;
}
