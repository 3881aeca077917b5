/**
 * Validation of the content-generation payload. Pure: unknown in, typed input
 * out, or a ValidationError (unrecoverable) that names the offending field.
 */
import { ValidationError, isPlainObject } from '../../errors/job-errors.js';
import type { ContentGenerationInput } from './types.js';

export const DEFAULT_CONTEXT = 'general social post';
export const DEFAULT_DURATION_SEC = 15;
/** Longer texts are not a persona or a context but a mistake (or an attack on the bill). */
export const MAX_TEXT_CHARS = 20_000;
/** A vertical social video longer than ten minutes is not what this pipeline makes. */
export const MAX_DURATION_SEC = 600;

/** Validates `data.payload` of a content-generation job; defaults apply to absent fields. */
export function parseContentGenerationData(payload: unknown): ContentGenerationInput {
  if (!isPlainObject(payload)) throw new ValidationError('payload', 'must be an object');
  return {
    persona: parsePersona(payload),
    context:
      optionalText(payload, 'context') ?? optionalText(payload, 'theme') ?? DEFAULT_CONTEXT,
    durationSec: parseDuration(payload.durationSec),
    createVideo: parseFlag(payload.createVideo, 'createVideo', true),
    priority: parsePriority(payload.priority),
  };
}

/** `persona` wins over the older `personaText`; both are optional. */
function parsePersona(payload: Record<string, unknown>): ContentGenerationInput['persona'] {
  const persona = payload.persona;
  if (persona !== undefined && persona !== null) {
    if (typeof persona === 'string') return checkText(persona, 'persona') || optionalText(payload, 'personaText');
    if (!isPlainObject(persona)) throw new ValidationError('persona', 'must be an object or a string');
    let size: number;
    try {
      size = JSON.stringify(persona).length;
    } catch {
      throw new ValidationError('persona', 'must be JSON-serialisable');
    }
    if (size > MAX_TEXT_CHARS) throw new ValidationError('persona', `must be at most ${MAX_TEXT_CHARS} characters as JSON`);
    return persona;
  }
  return optionalText(payload, 'personaText');
}

/** A string field; blank counts as absent so `""` means "use the default". */
function optionalText(payload: Record<string, unknown>, field: string): string | undefined {
  const value = payload[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationError(field, `must be a string, got ${describeType(value)}`);
  return checkText(value, field) || undefined;
}

function checkText(value: string, field: string): string {
  if (value.length > MAX_TEXT_CHARS) {
    throw new ValidationError(field, `must be at most ${MAX_TEXT_CHARS} characters, got ${value.length}`);
  }
  return value.trim();
}

function parseDuration(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_DURATION_SEC;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError('durationSec', `must be a number, got ${describeType(value)}`);
  }
  if (value <= 0 || value > MAX_DURATION_SEC) {
    throw new ValidationError('durationSec', `must be > 0 and <= ${MAX_DURATION_SEC}, got ${value}`);
  }
  return value;
}

function parseFlag(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new ValidationError(field, `must be a boolean, got ${describeType(value)}`);
  return value;
}

function parsePriority(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10) {
    throw new ValidationError('priority', `must be an integer from 1 to 10, got ${describeValue(value)}`);
  }
  return value;
}

/** Type names only, never the value: payload text stays out of messages. */
function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value);
}
