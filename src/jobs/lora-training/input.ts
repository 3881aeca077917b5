/**
 * The lora-training payload: where the dataset is, which config to train with,
 * and a few optional knobs. Pure validation; ids are resolved by the pipeline.
 */
import { ValidationError, isPlainObject } from '../../errors/job-errors.js';
import { isPlainFileName, validateKohyaArgs } from '../../trainer/kohya-args.js';
import { parseTrainerSettings, type TrainerSettings } from '../../trainer/settings.js';

/** Validated payload of a `lora-training` job. */
export interface LoraTrainingInput {
  /** A path (relative to LORA_DATASET_ROOT, or absolute inside it) or an API dataset id. */
  dataset: { kind: 'path'; path: string; field: 'datasetPath' | 'dataset.path' } | { kind: 'id'; id: string };
  /** Inline settings or an API LoRA config id. */
  config: { kind: 'inline'; settings: TrainerSettings } | { kind: 'id'; id: string };
  /** Output file stem and default output directory name. */
  trainingName: string | undefined;
  /** Directory inside LORA_OUTPUT_ROOT; attempts get sub-directories of it. */
  outputDir: string | undefined;
  /** Shortens (never extends) LORA_TRAINING_TIMEOUT_MS. */
  timeoutMs: number | undefined;
  dryRun: boolean;
  /** Extra `--flag=value` entries, already checked by `validateKohyaArgs`. */
  kohyaArgs: string[];
}

const FIELDS = [
  'datasetPath', 'dataset', 'datasetId', 'config', 'configId',
  'trainingName', 'outputDir', 'timeoutMs', 'dryRun', 'kohyaArgs',
];

/** @throws ValidationError naming the field (unknown fields are named too). */
export function parseLoraTrainingData(payload: unknown): LoraTrainingInput {
  if (!isPlainObject(payload)) throw new ValidationError('payload', 'must be an object');
  const unknown = Object.keys(payload).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) throw new ValidationError('payload', `has unknown fields: ${unknown.join(', ')}`);

  return {
    dataset: parseDataset(payload),
    config: parseConfig(payload),
    trainingName: optionalName(payload.trainingName),
    outputDir: optionalPath(payload.outputDir, 'outputDir'),
    timeoutMs: optionalTimeout(payload.timeoutMs),
    dryRun: optionalBoolean(payload.dryRun, 'dryRun'),
    kohyaArgs: validateKohyaArgs(payload.kohyaArgs),
  };
}

function parseDataset(payload: Record<string, unknown>): LoraTrainingInput['dataset'] {
  const given = ['datasetPath', 'dataset', 'datasetId'].filter((key) => payload[key] !== undefined);
  if (given.length === 0) throw new ValidationError('datasetPath', 'is required (or dataset.path, or datasetId)');
  if (given.length > 1) throw new ValidationError(given.join('/'), 'are exclusive: give exactly one');
  if (payload.datasetId !== undefined) return { kind: 'id', id: id(payload.datasetId, 'datasetId') };
  if (payload.datasetPath !== undefined) {
    return { kind: 'path', path: requiredPath(payload.datasetPath, 'datasetPath'), field: 'datasetPath' };
  }
  const dataset = payload.dataset;
  if (!isPlainObject(dataset)) throw new ValidationError('dataset', 'must be an object with a path');
  const extra = Object.keys(dataset).filter((key) => !['path', 'id', 'meta'].includes(key));
  if (extra.length > 0) throw new ValidationError('dataset', `has unknown fields: ${extra.join(', ')}`);
  return { kind: 'path', path: requiredPath(dataset.path, 'dataset.path'), field: 'dataset.path' };
}

function parseConfig(payload: Record<string, unknown>): LoraTrainingInput['config'] {
  if (payload.config !== undefined && payload.configId !== undefined) {
    throw new ValidationError('config/configId', 'are exclusive: give exactly one');
  }
  if (payload.configId !== undefined) return { kind: 'id', id: id(payload.configId, 'configId') };
  if (payload.config === undefined) throw new ValidationError('config', 'is required (or configId)');
  return { kind: 'inline', settings: parseTrainerSettings(payload.config, 'config', true) };
}

function id(value: unknown, field: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(value)) return value;
  throw new ValidationError(field, 'must be an id (letters, digits, - and _) or a positive integer');
}

function requiredPath(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw new ValidationError(field, 'must be a non-empty string');
  return value;
}

function optionalPath(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : requiredPath(value, field);
}

function optionalName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !isPlainFileName(value)) {
    throw new ValidationError('trainingName', 'must be a plain name (letters, digits, ., _ and -; at most 128)');
  }
  return value;
}

function optionalTimeout(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError('timeoutMs', 'must be a positive integer of milliseconds');
  }
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new ValidationError(field, 'must be a boolean');
  return value;
}
