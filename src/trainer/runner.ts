/**
 * Runs the trainer as a supervised subprocess and turns how it ended into either
 * success or an error with a stable code and the end of its log.
 */
import { RetryableJobError } from '../errors/job-errors.js';
import type { Logger } from '../logger.js';
import { describeExit, runSubprocess } from '../process/run-subprocess.js';
import type { ProcessGroupRegistry } from '../process/process-groups.js';
import { abortReason } from '../util/abort.js';
import type { TrainerCommand } from './command.js';
import { parseTrainerLine, type TrainerProgress } from './progress.js';
import { createThrottledProgress, type ProgressSink } from './progress-reporter.js';

export interface RunTrainerOptions {
  command: TrainerCommand;
  env?: Readonly<Record<string, string>>;
  timeoutMs: number;
  killGraceMs: number;
  signal: AbortSignal;
  registry?: ProcessGroupRegistry;
  /** Receives `{stage: 'training', step, totalSteps, percent, epoch, totalEpochs, loss}`. */
  onProgress: ProgressSink;
  progressIntervalMs?: number;
  logger: Logger;
  /** Lines kept for the result and for error messages (default 200). */
  tailLines?: number;
}

export interface TrainerRun {
  tail: string[];
  durationMs: number;
  progress: Partial<TrainerProgress>;
}

/** Lines of the tail quoted in an error message; the whole tail goes in `details.logTail`. */
const MESSAGE_TAIL = 5;

/**
 * Resolves only when the trainer exited with code 0.
 *
 * @throws AbortedError when `signal` fired (the process group was stopped first);
 *   RetryableJobError `TRAINER_TIMEOUT` after `timeoutMs`, `TRAINER_CRASHED` on death
 *   by a signal, `TRAINER_FAILED` on a non-zero exit, `TRAINER_NOT_STARTED` when it
 *   could not be spawned. Every error's details carry `logTail`.
 */
export async function runTrainer(options: RunTrainerOptions): Promise<TrainerRun> {
  const { command, logger } = options;
  const progress = createThrottledProgress(options.onProgress, options.progressIntervalMs ?? 1000, logger);
  let result;
  try {
    result = await runSubprocess({
      command: command.command,
      args: command.args,
      cwd: command.cwd,
      ...(options.env ? { env: { ...options.env } } : {}),
      tailLines: options.tailLines ?? 200,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      killGraceMs: options.killGraceMs,
      ...(options.registry ? { registry: options.registry } : {}),
      onLine: (line) => {
        const parsed = parseTrainerLine(line);
        if (parsed) progress.update(parsed);
      },
    });
  } catch (error) {
    await progress.close();
    const message = error instanceof Error ? error.message : String(error);
    throw new RetryableJobError('TRAINER_NOT_STARTED', `trainer ${command.command} could not start: ${message}`, {
      logTail: [],
    });
  }
  await progress.close();
  const details = { logTail: result.tail, exitCode: result.exitCode, signal: result.signal, pid: result.pid };
  logger.info('trainer finished', { exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs });

  if (result.stoppedBy === 'abort') throw abortReason(options.signal);
  const how = describeExit(result);
  if (result.stoppedBy === 'timeout') {
    throw new RetryableJobError('TRAINER_TIMEOUT', `trainer ${how} (${options.timeoutMs} ms)${quote(result.tail)}`, {
      ...details,
      timeoutMs: options.timeoutMs,
    });
  }
  if (result.signal !== null) {
    throw new RetryableJobError('TRAINER_CRASHED', `trainer ${how}${quote(result.tail)}`, details);
  }
  if (result.exitCode !== 0) {
    throw new RetryableJobError('TRAINER_FAILED', `trainer ${how}${quote(result.tail)}`, details);
  }
  return { tail: result.tail, durationMs: result.durationMs, progress: progress.current() };
}

function quote(tail: readonly string[]): string {
  const last = tail.slice(-MESSAGE_TAIL).map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line));
  return last.length === 0 ? '' : `; last output:\n${last.join('\n')}`;
}
