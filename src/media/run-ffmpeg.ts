/**
 * Runs one ffmpeg encode through fluent-ffmpeg — the only file that imports it,
 * so the archived library can be replaced here alone. It never throws for an
 * ffmpeg failure: it reports how the run ended and leaves the policy (retry,
 * classify) to the post-processor.
 */
import ffmpeg from 'fluent-ffmpeg';
import type { EncodePlan } from './encode-plan.js';
import { classifyFfmpegError, stderrTail, type FfmpegEnd } from './ffmpeg-failure.js';

export interface RunFfmpegOptions {
  ffmpegPath: string;
  plan: EncodePlan;
  outputPath: string;
  /** Niceness (0 = unchanged); fluent-ffmpeg runs `nice -n N ffmpeg`, and nice execs ffmpeg. */
  nice: number;
  /** Aborting kills ffmpeg with SIGKILL; the caller says why in `stoppedBy`. */
  signal: AbortSignal;
  onStart?: (commandLine: string) => void;
  onTimemark?: (timemarkSec: number) => void;
}

export type RunFfmpegResult =
  | { ok: true }
  | { ok: false; stopped: boolean; end: FfmpegEnd; message: string; stderr: string };

/** `HH:MM:SS.xx` → seconds; undefined for ffmpeg's `N/A`. */
export function parseTimemark(timemark: string | undefined): number | undefined {
  const match = /^(-?\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(timemark ?? '');
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

export function runFfmpeg(options: RunFfmpegOptions): Promise<RunFfmpegResult> {
  return new Promise((resolve) => {
    const command = ffmpeg({ niceness: options.nice }).setFfmpegPath(options.ffmpegPath);
    for (const input of options.plan.inputs) {
      command.input(input.source);
      if (input.options.length > 0) command.inputOptions(input.options);
    }
    command.outputOptions(options.plan.outputOptions).output(options.outputPath);

    let stopped = false;
    let started = false;
    // The abort may land while fluent-ffmpeg is still checking capabilities (before
    // spawn): remember it and kill as soon as the process exists.
    const kill = (): void => {
      stopped = true;
      if (started) command.kill('SIGKILL');
    };
    const cleanup = (): void => options.signal.removeEventListener('abort', kill);

    command.on('start', (commandLine: string) => {
      started = true;
      if (stopped) command.kill('SIGKILL');
      options.onStart?.(commandLine);
    });
    command.on('progress', (progress: { timemark?: string }) => {
      const seconds = parseTimemark(progress.timemark);
      if (seconds !== undefined) options.onTimemark?.(seconds);
    });
    command.on('error', (error: Error, _stdout: string | null, stderr: string | null) => {
      cleanup();
      resolve({
        ok: false,
        stopped,
        end: classifyFfmpegError(error.message),
        message: error.message.split('\n')[0] ?? error.message,
        stderr: stderrTail(stderr ?? undefined),
      });
    });
    command.on('end', () => {
      cleanup();
      resolve(stopped ? { ok: false, stopped, end: { kind: 'other' }, message: 'stopped', stderr: '' } : { ok: true });
    });

    if (options.signal.aborted) {
      stopped = true;
      resolve({ ok: false, stopped, end: { kind: 'other' }, message: 'aborted before start', stderr: '' });
      return;
    }
    options.signal.addEventListener('abort', kill, { once: true });
    command.run();
  });
}
