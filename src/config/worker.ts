/** The supervisor's own settings: Redis, the platform API, retries, concurrency, logs. */
import { str } from 'envalid';
import { cleanSection, withAliases, httpUrl, nonNegativeInt, port, positiveInt } from './env.js';
import type { RawEnv } from './env.js';
import { ConfigError } from './env.js';
import { QUEUE_NAMES, type QueueName } from '../queues.js';

export interface WorkerConfig {
  /** Base URL of the platform API that owns the job records. */
  apiBaseUrl: string;
  redis: { host: string; port: number; password: string | undefined };
  /** BullMQ key prefix; undefined means BullMQ's default `bull`. */
  bullPrefix: string | undefined;
  jobAttempts: number;
  jobBackoffDelayMs: number;
  /** Which queues this host consumes (all three unless WORKER_QUEUES narrows it). */
  queues: readonly QueueName[];
  concurrency: Readonly<Record<QueueName, number>>;
  /**
   * Fleet-wide cap per queue (BullMQ global concurrency, shared by every host on
   * this Redis): a number sets it, 0 removes it, undefined leaves whatever is set.
   */
  globalConcurrency: Readonly<Record<QueueName, number | undefined>>;
  /** Dotenv-style file read at start and on SIGHUP; its values override the environment. */
  envFile: string | undefined;
  shutdownTimeoutMs: number;
  /** Directory holding the compiled sandboxed processors (`<queue>.js`). */
  processorDir: string | undefined;
  /** BullMQ lock and stalled-job timing; lower values recover crashed hosts sooner. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStartedAttempts: number;
  childMaxOldSpaceMb: number | undefined;
  tmpDir: string;
  log: { level: string; format: 'json' | 'pretty' };
}

const spec = {
  API_BASE_URL: httpUrl({ default: 'http://localhost:3001', desc: 'platform API (alias WORKER_API_URL)' }),
  REDIS_HOST: str({ default: 'localhost', desc: 'Redis host' }),
  REDIS_PORT: port({ default: 6379, desc: 'Redis port' }),
  REDIS_PASSWORD: str({ default: undefined, desc: 'Redis password (optional)' }),
  BULL_PREFIX: str({ default: undefined, desc: 'BullMQ key prefix (default bull)' }),
  WORKER_JOB_ATTEMPTS: positiveInt({ default: 3, desc: 'attempts per job (enqueue default)' }),
  WORKER_JOB_BACKOFF_DELAY_MS: nonNegativeInt({ default: 5000, desc: 'first retry delay' }),
  WORKER_QUEUES: str({ default: QUEUE_NAMES.join(','), desc: 'queues this host consumes' }),
  CONTENT_GENERATION_CONCURRENCY: positiveInt({ default: 2 }),
  VIDEO_GENERATION_CONCURRENCY: positiveInt({ default: 1 }),
  LORA_TRAINING_CONCURRENCY: positiveInt({ default: 1 }),
  CONTENT_GENERATION_GLOBAL_CONCURRENCY: nonNegativeInt({ default: undefined, desc: 'fleet-wide cap; 0 removes it' }),
  VIDEO_GENERATION_GLOBAL_CONCURRENCY: nonNegativeInt({ default: undefined, desc: 'fleet-wide cap; 0 removes it' }),
  LORA_TRAINING_GLOBAL_CONCURRENCY: nonNegativeInt({ default: undefined, desc: 'fleet-wide cap; 0 removes it' }),
  WORKER_ENV_FILE: str({ default: undefined, desc: 'env file re-read on SIGHUP (optional)' }),
  WORKER_SHUTDOWN_TIMEOUT_MS: positiveInt({ default: 30_000 }),
  WORKER_PROCESSOR_DIR: str({ default: undefined, desc: 'compiled processors directory' }),
  WORKER_LOCK_DURATION_MS: positiveInt({ default: 30_000 }),
  WORKER_STALLED_INTERVAL_MS: positiveInt({ default: 30_000 }),
  WORKER_MAX_STARTED_ATTEMPTS: positiveInt({ default: 10 }),
  WORKER_CHILD_MAX_OLD_SPACE_MB: positiveInt({ default: undefined }),
  WORKER_TMP_DIR: str({ default: '/tmp/influencerai-worker' }),
  LOG_LEVEL: str({
    default: 'info',
    choices: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
  }),
  LOG_FORMAT: str({ default: 'json', choices: ['json', 'pretty'] as const }),
};

export function loadWorkerConfig(env: RawEnv): WorkerConfig {
  const cleaned = cleanSection(withAliases(env, { API_BASE_URL: ['WORKER_API_URL'] }), spec);
  return {
    apiBaseUrl: cleaned.API_BASE_URL,
    redis: {
      host: cleaned.REDIS_HOST,
      port: cleaned.REDIS_PORT,
      password: cleaned.REDIS_PASSWORD,
    },
    bullPrefix: cleaned.BULL_PREFIX,
    jobAttempts: cleaned.WORKER_JOB_ATTEMPTS,
    jobBackoffDelayMs: cleaned.WORKER_JOB_BACKOFF_DELAY_MS,
    queues: parseQueueList(cleaned.WORKER_QUEUES),
    concurrency: {
      'content-generation': cleaned.CONTENT_GENERATION_CONCURRENCY,
      'video-generation': cleaned.VIDEO_GENERATION_CONCURRENCY,
      'lora-training': cleaned.LORA_TRAINING_CONCURRENCY,
    },
    globalConcurrency: {
      'content-generation': cleaned.CONTENT_GENERATION_GLOBAL_CONCURRENCY,
      'video-generation': cleaned.VIDEO_GENERATION_GLOBAL_CONCURRENCY,
      'lora-training': cleaned.LORA_TRAINING_GLOBAL_CONCURRENCY,
    },
    envFile: cleaned.WORKER_ENV_FILE,
    shutdownTimeoutMs: cleaned.WORKER_SHUTDOWN_TIMEOUT_MS,
    processorDir: cleaned.WORKER_PROCESSOR_DIR,
    lockDurationMs: cleaned.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: cleaned.WORKER_STALLED_INTERVAL_MS,
    maxStartedAttempts: cleaned.WORKER_MAX_STARTED_ATTEMPTS,
    childMaxOldSpaceMb: cleaned.WORKER_CHILD_MAX_OLD_SPACE_MB,
    tmpDir: cleaned.WORKER_TMP_DIR,
    log: { level: cleaned.LOG_LEVEL, format: cleaned.LOG_FORMAT },
  };
}

function parseQueueList(value: string): QueueName[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(QUEUE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new ConfigError([
      {
        variable: 'WORKER_QUEUES',
        problem: `must list queues from ${QUEUE_NAMES.join(', ')}; got "${value}"`,
      },
    ]);
  }
  return [...new Set(names)] as QueueName[];
}
