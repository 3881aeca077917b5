/**
 * Errors that cross the sandbox boundary.
 *
 * A processor child serialises a thrown error to JSON (own properties only), so the
 * supervisor never sees the original class: it classifies by `name` and `code`.
 * BullMQ itself skips retries for any error whose `name` is `UnrecoverableError`,
 * which is why the unrecoverable class carries exactly that name.
 */

/** Free-form, JSON-safe details attached to an error (node ids, HTTP status, ...). */
export type ErrorDetails = Record<string, unknown>;

/** Shared shape of the coded errors below: a stable `code` and JSON-safe `details`. */
abstract class CodedJobError extends Error {
  readonly code: string;
  readonly details: ErrorDetails | undefined;

  constructor(code: string, message: string, details?: ErrorDetails, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** A failure worth another attempt: network errors, 5xx, timeouts, crashes. */
export class RetryableJobError extends CodedJobError {
  override readonly name = 'RetryableJobError';
}

/** A failure that another attempt cannot fix: bad payload, 4xx, invalid workflow. */
export class UnrecoverableJobError extends CodedJobError {
  // BullMQ matches this exact name (job.shouldRetryJob) to skip the remaining attempts.
  override readonly name = 'UnrecoverableError';
}

/** The job's payload (or its envelope) failed validation; names the offending field. */
export class ValidationError extends UnrecoverableJobError {
  readonly field: string;

  constructor(field: string, problem: string) {
    super('INVALID_PAYLOAD', `invalid job data: ${field} ${problem}`, { field });
    this.field = field;
  }
}

/** The operation was aborted: cancellation, shutdown or an overall deadline. */
export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  readonly code = 'ABORTED';
  readonly reason: string;

  constructor(reason: string) {
    super(`aborted: ${reason}`);
    this.reason = reason;
  }
}

/** The shape every error has once it has crossed a process boundary. */
export interface ErrorInfo {
  name: string;
  message: string;
  code: string;
  details?: ErrorDetails;
}

/**
 * Wraps anything thrown into an Error exactly once, keeping `name`, `code` and
 * `details` when they exist. Strings and plain objects become `Error`s with a
 * readable message instead of `[object Object]`.
 */
export function coerceError(thrown: unknown): Error & { code: string } {
  if (thrown instanceof Error) {
    const withCode = thrown as Error & { code?: unknown };
    if (typeof withCode.code !== 'string') {
      Object.defineProperty(thrown, 'code', { value: 'UNKNOWN', enumerable: true, writable: true });
    }
    return thrown as Error & { code: string };
  }
  const message = typeof thrown === 'string' ? thrown : safeStringify(thrown);
  return Object.assign(new Error(message), { code: 'UNKNOWN' });
}

/** Reads name/message/code/details from an error or its JSON copy. */
export function errorInfo(thrown: unknown): ErrorInfo {
  const error = coerceError(thrown);
  const details = (error as { details?: unknown }).details;
  return {
    name: error.name,
    message: error.message,
    code: error.code,
    ...(isPlainObject(details) ? { details } : {}),
  };
}

/** True when BullMQ will not retry this error, whatever attempts remain. */
export function isUnrecoverable(error: { name?: unknown }): boolean {
  return error.name === 'UnrecoverableError';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
