/**
 * The only reader of the environment. The composition roots call these loaders
 * with process.env (src/main.ts and processors/*.ts) and hand the typed, frozen
 * result down. The supervisor validates the sections of every queue it consumes
 * at start-up, so a bad value stops it before anything connects; each processor
 * child loads only the sections of its own queue.
 */
import type { RawEnv } from './env.js';
import { loadWorkerConfig, type WorkerConfig } from './worker.js';
import { loadLlmConfig, type LlmConfig } from './llm.js';
import { loadS3Config, type S3Config } from './s3.js';
import { loadComfyConfig, type ComfyConfig } from './comfy.js';
import { loadFfmpegConfig, type FfmpegConfig } from './ffmpeg.js';
import { loadLoraConfig, type LoraConfig } from './lora.js';
import { loadMonitorConfig, type MonitorConfig } from './monitor.js';
import type { QueueName } from '../queues.js';

export { ConfigError } from './env.js';
export type { RawEnv } from './env.js';
export { loadWorkerConfig, type WorkerConfig } from './worker.js';
export type { LlmConfig, S3Config, ComfyConfig, FfmpegConfig, LoraConfig, MonitorConfig };

export interface ContentGenerationConfig { worker: WorkerConfig; llm: LlmConfig; s3: S3Config }
export interface VideoGenerationConfig { worker: WorkerConfig; comfy: ComfyConfig; ffmpeg: FfmpegConfig; s3: S3Config }
export interface LoraTrainingConfig { worker: WorkerConfig; lora: LoraConfig; s3: S3Config }

export const loadContentGenerationConfig = (env: RawEnv): Readonly<ContentGenerationConfig> =>
  deepFreeze({ worker: loadWorkerConfig(env), llm: loadLlmConfig(env), s3: loadS3Config(env) });

export const loadVideoGenerationConfig = (env: RawEnv): Readonly<VideoGenerationConfig> =>
  deepFreeze({ worker: loadWorkerConfig(env), comfy: loadComfyConfig(env), ffmpeg: loadFfmpegConfig(env), s3: loadS3Config(env) });

export const loadLoraTrainingConfig = (env: RawEnv): Readonly<LoraTrainingConfig> =>
  deepFreeze({ worker: loadWorkerConfig(env), lora: loadLoraConfig(env), s3: loadS3Config(env) });

const QUEUE_SECTIONS: Record<QueueName, (env: RawEnv) => unknown> = {
  'content-generation': loadContentGenerationConfig,
  'video-generation': loadVideoGenerationConfig,
  'lora-training': loadLoraTrainingConfig,
};

/** The supervisor's settings: its own and the monitor's. */
export interface SupervisorConfig { worker: WorkerConfig; monitor: MonitorConfig }

/** The supervisor's view: its own settings, after validating every consumed queue's sections. */
export function loadConfig(env: RawEnv): Readonly<SupervisorConfig> {
  const worker = loadWorkerConfig(env);
  const monitor = loadMonitorConfig(env);
  for (const queue of worker.queues) QUEUE_SECTIONS[queue](env);
  return deepFreeze({ worker, monitor });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
