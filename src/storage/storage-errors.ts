/**
 * Pure classification of object-storage failures into the job error taxonomy.
 * minio's S3Error carries the S3 error `code` (from the XML body, or derived
 * from the status: 403 → AccessDenied, 503 → SlowDown); socket errors carry
 * Node's errno code.
 */
import { RetryableJobError, UnrecoverableJobError } from '../errors/job-errors.js';

/** Credentials or permissions: retrying with the same config cannot help. */
const AUTH_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AllAccessDisabled',
  'AccountProblem',
  'InvalidToken',
  'ExpiredToken',
]);

/** Requests the store will always refuse (bad names, wrong region config). */
const REJECTED_CODES = new Set(['InvalidBucketName', 'InvalidObjectName', 'AuthorizationHeaderMalformed', 'InvalidArgument']);

/** Wraps a storage failure once; `operation` names what was attempted (never a secret). */
export function classifyStorageError(error: unknown, operation: string): Error {
  if (error instanceof RetryableJobError || error instanceof UnrecoverableJobError) return error;
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const details = { operation, storageCode: code };
  const options = { cause: error };
  if (code !== undefined && AUTH_CODES.has(code)) {
    return new UnrecoverableJobError('S3_AUTH', `object storage refused ${operation}: ${code}`, details, options);
  }
  if (code !== undefined && REJECTED_CODES.has(code)) {
    return new UnrecoverableJobError('S3_REJECTED', `object storage rejected ${operation}: ${code} ${message}`, details, options);
  }
  // Network errors, 5xx/SlowDown and anything not understood: another attempt may succeed.
  return new RetryableJobError('S3_UNAVAILABLE', `object storage failed during ${operation}: ${code ?? ''} ${message}`.replace(/\s+/g, ' '), details, options);
}
