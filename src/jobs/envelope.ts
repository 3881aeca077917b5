/**
 * Validation of the queue job envelope `{jobId, payload}` that the platform API
 * enqueues, before any pipeline sees it. Failures are unrecoverable and name the field.
 */
import { ValidationError, isPlainObject } from '../errors/job-errors.js';

/** Largest accepted payload, serialised. Pipelines bound individual strings further. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_JOB_ID_LENGTH = 200;

export interface JobEnvelope {
  /** Undefined when the job was enqueued without one: processed, not synced. */
  jobId: string | undefined;
  payload: Record<string, unknown>;
}

export function parseEnvelope(data: unknown): JobEnvelope {
  if (!isPlainObject(data)) {
    throw new ValidationError('data', `must be an object {jobId, payload}, got ${describeType(data)}`);
  }
  const { jobId, payload } = data;
  if (jobId !== undefined && (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > MAX_JOB_ID_LENGTH)) {
    throw new ValidationError('jobId', `must be a non-empty string of at most ${MAX_JOB_ID_LENGTH} characters`);
  }
  if (payload === undefined) throw new ValidationError('payload', 'is missing');
  if (!isPlainObject(payload)) throw new ValidationError('payload', `must be an object, got ${describeType(payload)}`);
  const size = Buffer.byteLength(JSON.stringify(payload));
  if (size > MAX_PAYLOAD_BYTES) {
    throw new ValidationError('payload', `is ${size} bytes, more than the ${MAX_PAYLOAD_BYTES} allowed`);
  }
  return { jobId, payload };
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
