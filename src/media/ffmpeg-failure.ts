/**
 * Pure classification of how an ffmpeg run ended. fluent-ffmpeg 2.1.3 reports a
 * signal death as `Error('ffmpeg was killed with signal SIGSEGV')` and a non-zero
 * exit as `Error('ffmpeg exited with code 1: <stderr excerpt>')`
 * (lib/processor.js, the 'exit' handler and endCB). A wrapper script that does
 * not `exec` ffmpeg turns a crash into exit code 128+N, so both forms count.
 */
import { constants } from 'node:os';

export type FfmpegEnd =
  | { kind: 'signal'; signal: string }
  | { kind: 'exit'; code: number }
  | { kind: 'other' };

/** Signals that mean ffmpeg itself crashed or was killed by the system (OOM killer). */
export const CRASH_SIGNALS: readonly string[] = ['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGKILL'];

function signalForExitCode(code: number): string | undefined {
  if (code <= 128 || code > 128 + 64) return undefined;
  const number = code - 128;
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}

/** Reads fluent-ffmpeg's error message; unknown shapes are `other`. */
export function classifyFfmpegError(message: string): FfmpegEnd {
  const signal = /killed with signal (SIG[A-Z0-9]+)/.exec(message)?.[1];
  if (signal) return { kind: 'signal', signal };
  const code = /exited with code (-?\d+)/.exec(message)?.[1];
  if (code !== undefined) {
    const asSignal = signalForExitCode(Number(code));
    return asSignal ? { kind: 'signal', signal: asSignal } : { kind: 'exit', code: Number(code) };
  }
  return { kind: 'other' };
}

/** True when a run that ended this way deserves the conservative retry. */
export function isCrash(end: FfmpegEnd): boolean {
  return end.kind === 'signal' && CRASH_SIGNALS.includes(end.signal);
}

// ffmpeg echoes container tags as `key   : value` lines; ComfyUI's tags hold the
// whole prompt and workflow, which must never reach logs or job statuses.
const METADATA_LINE = /^[\w.-]+\s+:\s/;

/** The last meaningful stderr lines, bounded, for error messages and logs; never metadata. */
export function stderrTail(stderr: string | undefined, lines = 8, maxChars = 1500): string {
  if (!stderr) return '';
  const kept = stderr
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(frame|size)=/.test(line) && !METADATA_LINE.test(line))
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .slice(-lines)
    .join(' | ');
  return kept.length > maxChars ? `…${kept.slice(-maxChars)}` : kept;
}
