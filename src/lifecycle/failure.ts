/**
 * Pure classification of a failed attempt, as the supervisor sees it: an Error
 * rebuilt from the child's JSON (so classified by name/code/message, never by
 * instanceof), or one of BullMQ's own messages for a crashed or stalled child.
 */
import { isPlainObject, isUnrecoverable } from '../errors/job-errors.js';

export interface FailedAttempt {
  name?: string;
  message?: string;
  code?: unknown;
  details?: unknown;
}

export interface AttemptCounts {
  /** BullMQ's attemptsMade after the failure was recorded. */
  attemptsMade: number;
  attempts: number;
  /** Set by BullMQ when the job was moved to `failed` for good. */
  finishedOn?: number | undefined;
}

export interface FailureSummary {
  message: string;
  code: string;
  details?: Record<string, unknown>;
}

const CHILD_EXIT = /^Unexpected exit code: (\S+) signal: (\S+)$/;

/** True when BullMQ will not run the job again: unrecoverable, out of attempts, or finished. */
export function isFinalFailure(error: FailedAttempt, counts: AttemptCounts): boolean {
  if (counts.finishedOn !== undefined && counts.finishedOn > 0) return true;
  if (isUnrecoverable(error)) return true;
  return counts.attemptsMade >= counts.attempts;
}

/** Message and code for the API, with BullMQ's internal wording turned into plain words. */
export function summarizeFailure(error: FailedAttempt): FailureSummary {
  const message = error.message ?? 'unknown error';
  const crash = CHILD_EXIT.exec(message);
  if (crash) {
    const [, exitCode, signal] = crash;
    const how = signal !== 'null' ? `killed by ${signal}` : `exited with code ${exitCode}`;
    return {
      code: 'CHILD_CRASHED',
      message: `processor child process ${how} during the job`,
      details: { exitCode: exitCode === 'null' ? null : Number(exitCode), signal: signal === 'null' ? null : signal },
    };
  }
  if (message === 'job stalled more than allowable limit') {
    return { code: 'JOB_STALLED', message: 'job stalled repeatedly (its worker died or lost the lock)' };
  }
  if (message === 'job started more than allowable limit') {
    return { code: 'TOO_MANY_STARTS', message: 'job was started too many times without finishing (crash loop)' };
  }
  const code = typeof error.code === 'string' && error.code.length > 0 ? error.code : 'PROCESSOR_ERROR';
  return { code, message, ...(isPlainObject(error.details) ? { details: error.details } : {}) };
}

/** The signal named in a child-crash failure, if any (for metrics and logs). */
export function crashSignal(error: FailedAttempt): string | undefined {
  const crash = CHILD_EXIT.exec(error.message ?? '');
  if (!crash) return undefined;
  return crash[2] === 'null' ? `exit-${crash[1]}` : crash[2];
}
