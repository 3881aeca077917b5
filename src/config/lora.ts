/**
 * Settings of the lora-training queue: which trainer runs, where, with what
 * environment, and the directories a job may read datasets from and write LoRAs
 * into. The executable never comes from a payload, only from here.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { str } from 'envalid';
import { cleanSection, flag, nonNegativeInt, positiveInt, ConfigError } from './env.js';
import type { RawEnv } from './env.js';

export interface LoraConfig {
  /** Executable: `accelerate` by default, or `python3`, or a test's fake trainer. */
  trainerCommand: string;
  /** Arguments placed before the script (`launch` for accelerate). */
  trainerArgsPrefix: readonly string[];
  /** The training script, relative to `kohyaDir`; undefined when the command is the trainer itself. */
  trainerScript: string | undefined;
  /** Working directory of the trainer (absolute). */
  kohyaDir: string;
  /** Environment of the trainer: the worker's own minus its secrets, plus PYTHONUNBUFFERED. */
  trainerEnv: Readonly<Record<string, string>>;
  /** Every dataset path must resolve inside this directory (absolute, symlinks resolved). */
  datasetRoot: string;
  /** Every output directory is created inside this directory (absolute, symlinks resolved). */
  outputRoot: string;
  /** Upper bound of one training run; a payload's `timeoutMs` can only shorten it. */
  trainingTimeoutMs: number;
  /** Build and report the command, run nothing. */
  dryRun: boolean;
  /** Time between SIGTERM and SIGKILL when the trainer is stopped. */
  killGraceMs: number;
}

const spec = {
  LORA_TRAINER_COMMAND: str({ default: 'accelerate', desc: 'trainer executable' }),
  LORA_TRAINER_SCRIPT: str({ default: 'train_network.py', desc: 'training script; "none" to omit' }),
  LORA_TRAINER_ARGS_PREFIX: str({
    default: undefined,
    desc: 'args before the script, space separated or a JSON array; "none" for no args (default "launch" for accelerate, none otherwise)',
  }),
  KOHYA_SS_DIR: str({ default: undefined, desc: 'working directory of the trainer (default cwd)' }),
  LORA_DATASET_ROOT: str({ default: './data/datasets', desc: 'datasets must resolve inside it' }),
  LORA_OUTPUT_ROOT: str({ default: './data/loras', desc: 'outputs are written inside it' }),
  LORA_TRAINING_TIMEOUT_MS: positiveInt({ default: 6 * 60 * 60 * 1000, desc: 'max duration of a run' }),
  LORA_TRAINING_DRY_RUN: flag({ default: false, desc: 'build the command, run nothing' }),
  LORA_KILL_GRACE_MS: nonNegativeInt({ default: 10_000, desc: 'SIGTERM to SIGKILL delay' }),
};

// The trainer needs PATH, CUDA_*, HF_* and the like, but not the worker's storage or Redis credentials.
const SECRET_NAME = /PASSWORD|SECRET/i;

/** Validates the lora section; `ConfigError` names the offending variable. */
export function loadLoraConfig(env: RawEnv, cwd: string = process.cwd()): LoraConfig {
  const cleaned = cleanSection(env, spec);
  const command = cleaned.LORA_TRAINER_COMMAND.trim();
  const script = cleaned.LORA_TRAINER_SCRIPT.trim();
  return {
    trainerCommand: command,
    trainerArgsPrefix: parsePrefix(cleaned.LORA_TRAINER_ARGS_PREFIX, command),
    trainerScript: script.toLowerCase() === 'none' ? undefined : script,
    kohyaDir: realpathLoose(resolve(cwd, cleaned.KOHYA_SS_DIR ?? '.')),
    trainerEnv: trainerEnvironment(env),
    datasetRoot: realpathLoose(resolve(cwd, cleaned.LORA_DATASET_ROOT)),
    outputRoot: realpathLoose(resolve(cwd, cleaned.LORA_OUTPUT_ROOT)),
    trainingTimeoutMs: cleaned.LORA_TRAINING_TIMEOUT_MS,
    dryRun: cleaned.LORA_TRAINING_DRY_RUN,
    killGraceMs: cleaned.LORA_KILL_GRACE_MS,
  };
}

function parsePrefix(value: string | undefined, command: string): string[] {
  // Unset means "what the command needs": accelerate wants `launch`, python3 or a
  // fake trainer want nothing. An empty value counts as unset, hence "none".
  if (value === undefined) return basename(command) === 'accelerate' ? ['launch'] : [];
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === 'none') return [];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
      throw new ConfigError([
        { variable: 'LORA_TRAINER_ARGS_PREFIX', problem: 'must be a JSON array of strings when it starts with [' },
      ]);
    }
    return parsed;
  }
  return trimmed.split(/\s+/).filter(Boolean);
}

function trainerEnvironment(env: RawEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !SECRET_NAME.test(name)) result[name] = value;
  }
  // Python buffers stdout when it is a pipe, which would hold progress lines back.
  result.PYTHONUNBUFFERED ??= '1';
  return result;
}

/**
 * The real path of `path` even when its tail does not exist yet: the longest
 * existing prefix is resolved and the rest appended. A dangling symlink on the
 * way is kept as is (callers that care use `resolveInside`, which refuses it).
 */
export function realpathLoose(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  if (parent === absolute) return absolute;
  try {
    lstatSync(absolute);
    return absolute;
  } catch {
    return join(realpathLoose(parent), basename(absolute));
  }
}
