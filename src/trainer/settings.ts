/**
 * The training hyper-parameters a LoRA config may carry, parsed from a payload's
 * inline `config` or from the platform API's `/lora-configs/:id` record.
 */
import { ValidationError, isPlainObject } from '../errors/job-errors.js';

/** Validated trainer settings; each maps to one kohya_ss flag. */
export interface TrainerSettings {
  /** `--pretrained_model_name_or_path` (config `baseModel` or `modelName`). */
  baseModel: string;
  learningRate?: number;
  /** `--max_train_epochs`. */
  epochs?: number;
  /** `--train_batch_size`. */
  batchSize?: number;
  /** `--resolution`, `512` or `512,768`. */
  resolution?: string;
  networkDim?: number;
  networkAlpha?: number;
  maxTrainSteps?: number;
  /** `--network_module`, default `networks.lora`. */
  networkModule: string;
}

const KNOWN = [
  'baseModel', 'modelName', 'learningRate', 'epochs', 'batchSize', 'resolution',
  'networkDim', 'networkAlpha', 'maxTrainSteps', 'networkModule',
];

/**
 * @param strict reject unknown keys (inline payload config); API records carry
 *   their own bookkeeping (`id`, `name`, timestamps), so they are read leniently.
 * @param field prefix used in error messages, e.g. `config`.
 */
export function parseTrainerSettings(raw: unknown, field: string, strict: boolean): TrainerSettings {
  if (!isPlainObject(raw)) throw new ValidationError(field, 'must be an object');
  // The API may wrap the settings: `{id, config: {...}}`.
  const source = !strict && isPlainObject(raw.config) ? raw.config : raw;
  const at = (key: string): string => `${field}.${key}`;
  if (strict) {
    const unknown = Object.keys(source).filter((key) => !KNOWN.includes(key));
    if (unknown.length > 0) throw new ValidationError(field, `has unknown fields: ${unknown.join(', ')}`);
  }
  const modelKey = source.baseModel !== undefined ? 'baseModel' : 'modelName';
  const baseModel = source[modelKey];
  if (typeof baseModel !== 'string' || baseModel.trim().length === 0) {
    throw new ValidationError(at('baseModel'), 'is required (baseModel or modelName)');
  }
  if (/[\0\r\n]/.test(baseModel)) throw new ValidationError(at(modelKey), 'contains a control character');
  const networkModule = source.networkModule ?? 'networks.lora';
  if (typeof networkModule !== 'string' || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(networkModule)) {
    throw new ValidationError(at('networkModule'), 'must be a Python module name');
  }
  return {
    baseModel: baseModel.trim(),
    networkModule,
    ...optional('learningRate', number(source.learningRate, at('learningRate'), false)),
    ...optional('epochs', number(source.epochs, at('epochs'), true)),
    ...optional('batchSize', number(source.batchSize, at('batchSize'), true)),
    ...optional('resolution', resolution(source.resolution, at('resolution'))),
    ...optional('networkDim', number(source.networkDim, at('networkDim'), true)),
    ...optional('networkAlpha', number(source.networkAlpha, at('networkAlpha'), false)),
    ...optional('maxTrainSteps', number(source.maxTrainSteps, at('maxTrainSteps'), true)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** A positive number; numeric strings (`"1e-4"`) are accepted because API records often carry them. */
function number(value: unknown, field: string, integer: boolean): number | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new ValidationError(field, 'must be a positive number');
  }
  if (integer && !Number.isSafeInteger(parsed)) throw new ValidationError(field, 'must be a positive integer');
  return parsed;
}

function resolution(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9]\d{0,4}(,[1-9]\d{0,4})?$/.test(text.replace(/\s+/g, ''))) {
    throw new ValidationError(field, 'must be a size like 512 or "512,768"');
  }
  return text.replace(/\s+/g, '');
}
