/**
 * Small typed readers for payload fields. Each throws a ValidationError that
 * names the field, so every pipeline reports bad input the same way.
 */
import { ValidationError, isPlainObject } from '../errors/job-errors.js';
import { describeType } from './envelope.js';

export const MAX_TEXT_LENGTH = 20_000;

type Fields = Record<string, unknown>;

export function optionalString(payload: Fields, field: string, maxLength = MAX_TEXT_LENGTH): string | undefined {
  const value = payload[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationError(field, `must be a string, got ${describeType(value)}`);
  if (value.length > maxLength) throw new ValidationError(field, `is longer than ${maxLength} characters`);
  return value;
}

export function requiredString(payload: Fields, field: string, maxLength = MAX_TEXT_LENGTH): string {
  const value = optionalString(payload, field, maxLength);
  if (value === undefined) throw new ValidationError(field, 'is required');
  if (value.trim().length === 0) throw new ValidationError(field, 'must not be empty');
  return value;
}

export function optionalNumber(payload: Fields, field: string, check: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {}): number | undefined {
  const value = payload[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(field, `must be a finite number, got ${describeType(value)}`);
  }
  if (check.integer && !Number.isInteger(value)) throw new ValidationError(field, 'must be an integer');
  if (check.positive && value <= 0) throw new ValidationError(field, 'must be greater than 0');
  if (check.min !== undefined && value < check.min) throw new ValidationError(field, `must be at least ${check.min}`);
  if (check.max !== undefined && value > check.max) throw new ValidationError(field, `must be at most ${check.max}`);
  return value;
}

export function optionalBoolean(payload: Fields, field: string): boolean | undefined {
  const value = payload[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ValidationError(field, `must be a boolean, got ${describeType(value)}`);
  return value;
}

/** A string or an object (personas come in both forms). */
export function optionalStringOrObject(payload: Fields, field: string): string | Record<string, unknown> | undefined {
  const value = payload[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return optionalString(payload, field);
  if (isPlainObject(value)) {
    if (JSON.stringify(value).length > MAX_TEXT_LENGTH) throw new ValidationError(field, `is larger than ${MAX_TEXT_LENGTH} characters`);
    return value;
  }
  throw new ValidationError(field, `must be a string or an object, got ${describeType(value)}`);
}

/** Rejects fields a pipeline does not know, naming them. */
export function rejectUnknownFields(payload: Fields, known: readonly string[]): void {
  const unknown = Object.keys(payload).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new ValidationError(unknown.join(', '), 'is not a known payload field');
}
