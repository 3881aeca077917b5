/**
 * The only reader of the environment. `loadConfig(process.env)` is called by the
 * composition roots (src/main.ts and processors/*.ts); everything else receives
 * the typed, frozen result. Errors name the variable and stop start-up before
 * anything connects.
 */
import type { RawEnv } from './env.js';
import { loadWorkerConfig, type WorkerConfig } from './worker.js';

export { ConfigError } from './env.js';
export type { RawEnv } from './env.js';
export { loadWorkerConfig, type WorkerConfig } from './worker.js';

export interface Config {
  worker: WorkerConfig;
}

export function loadConfig(env: RawEnv): Readonly<Config> {
  return deepFreeze({ worker: loadWorkerConfig(env) });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
