/** The `video-generation` payload: validated once, before any work starts. */
import { ValidationError, isPlainObject } from '../../errors/job-errors.js';

/** Longest accepted text field; ComfyUI prompts and captions are far shorter. */
export const MAX_TEXT_LENGTH = 20_000;

/** A validated `video-generation` payload. */
export interface VideoGenerationInput {
  caption: string;
  script: string;
  /** A persona name or a structured persona; substituted as text (objects as JSON). */
  persona: string | Record<string, unknown> | undefined;
  context: string | undefined;
  /** Target duration in seconds; default 15. */
  durationSec: number;
  /** The content-generation job this video belongs to, if any. */
  parentJobId: string | undefined;
}

/** Throws ValidationError (unrecoverable) naming the first offending field. */
export function parseVideoGenerationData(payload: unknown): VideoGenerationInput {
  if (!isPlainObject(payload)) throw new ValidationError('payload', 'must be an object');
  const persona = payload.persona;
  if (persona !== undefined && persona !== null && typeof persona !== 'string' && !isPlainObject(persona)) {
    throw new ValidationError('persona', 'must be a string or an object');
  }
  if (isPlainObject(persona) && JSON.stringify(persona).length > MAX_TEXT_LENGTH) {
    throw new ValidationError('persona', `must be at most ${MAX_TEXT_LENGTH} characters as JSON`);
  }
  return {
    caption: requiredText(payload, 'caption'),
    script: requiredText(payload, 'script'),
    persona: persona === null || persona === undefined ? undefined : typeof persona === 'string' ? limited('persona', persona) : persona,
    context: optionalText(payload, 'context'),
    durationSec: duration(payload.durationSec),
    parentJobId: optionalText(payload, 'parentJobId'),
  };
}

function requiredText(payload: Record<string, unknown>, field: string): string {
  const value = payload[field];
  if (typeof value !== 'string' || value.trim() === '') throw new ValidationError(field, 'must be a non-empty string');
  return limited(field, value);
}

function optionalText(payload: Record<string, unknown>, field: string): string | undefined {
  const value = payload[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string');
  return limited(field, value);
}

function limited(field: string, value: string): string {
  if (value.length > MAX_TEXT_LENGTH) throw new ValidationError(field, `must be at most ${MAX_TEXT_LENGTH} characters`);
  return value;
}

function duration(value: unknown): number {
  if (value === undefined || value === null) return 15;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError('durationSec', 'must be a positive number');
  }
  if (value > 3600) throw new ValidationError('durationSec', 'must be at most 3600');
  return value;
}
