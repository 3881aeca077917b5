/**
 * Live reload on SIGHUP: re-read WORKER_ENV_FILE, validate the whole
 * configuration as start-up would, and apply what can change without a
 * restart: per-queue concurrency (idle children above the new limit are
 * released) and the fleet-wide caps. Anything else that changed is named in the
 * log as needing a restart. An invalid file or value keeps the settings in force.
 */
import { loadConfig, ConfigError, type RawEnv, type WorkerConfig } from '../config/index.js';
import { withEnvFile, changedVariables } from '../config/env-file.js';
import type { QueueName } from '../queues.js';
import type { Logger } from '../logger.js';
import { errorInfo } from '../errors/job-errors.js';

/** What a reload may change on the running supervisor. */
export interface ReloadTarget {
  setConcurrency(queue: QueueName, concurrency: number): Promise<void>;
  setGlobalConcurrency(queue: QueueName, cap: number | undefined): Promise<void>;
}

export interface ReloaderDeps {
  /** The process environment as it was before the env file was applied. */
  baseEnv: RawEnv;
  /** The environment the running settings came from (base + env file at start). */
  startEnv: RawEnv;
  /** The settings in force at start-up. */
  settings: WorkerConfig;
  target: ReloadTarget;
  logger: Logger;
}

export interface Change<T> { queue: QueueName; from: T; to: T }

export interface ReloadPlan {
  concurrency: Change<number>[];
  globalConcurrency: Change<number | undefined>[];
}

/** Variables a reload applies; every other change waits for a restart. */
const RELOADABLE = /^(CONTENT_GENERATION|VIDEO_GENERATION|LORA_TRAINING)_(GLOBAL_)?CONCURRENCY$/;

/**
 * Pure: the changes between two validated configurations, for the queues this
 * host consumes. A fleet-wide cap removed from the file is left as it is in
 * Redis (unset means "do not touch", see docs/operations.md).
 */
export function planReload(current: WorkerConfig, next: WorkerConfig): ReloadPlan {
  const concurrency: Change<number>[] = [];
  const globalConcurrency: Change<number | undefined>[] = [];
  for (const queue of current.queues) {
    const [from, to] = [current.concurrency[queue], next.concurrency[queue]];
    if (from !== to) concurrency.push({ queue, from, to });
    const [capFrom, capTo] = [current.globalConcurrency[queue], next.globalConcurrency[queue]];
    if (capTo !== undefined && capFrom !== capTo) globalConcurrency.push({ queue, from: capFrom, to: capTo });
  }
  return { concurrency, globalConcurrency };
}

export interface Reloader {
  /** Runs one reload (reloads are serialised); never throws. */
  reload(): Promise<void>;
}

export function createReloader(deps: ReloaderDeps): Reloader {
  const { logger } = deps;
  let current = deps.settings;
  let chain = Promise.resolve();

  const reloadOnce = async (): Promise<void> => {
    if (current.envFile === undefined) {
      logger.info('SIGHUP received; WORKER_ENV_FILE is not set, nothing to re-read');
      return;
    }
    let nextEnv: RawEnv;
    let next: WorkerConfig;
    try {
      nextEnv = (await withEnvFile(deps.baseEnv)).env;
      next = loadConfig(nextEnv).worker;
    } catch (error) {
      const variables = error instanceof ConfigError ? error.variables : [];
      logger.error('reload rejected, keeping the current settings', { variables, error: errorInfo(error).message, file: current.envFile });
      return;
    }
    const plan = planReload(current, next);
    // Compared with the start-up environment, so a pending change is named on every reload.
    const restartRequired = changedVariables(deps.startEnv, nextEnv).filter((name) => !RELOADABLE.test(name));
    const applied: ReloadPlan = { concurrency: [], globalConcurrency: [] };
    for (const change of plan.concurrency) {
      if (await attempt(() => deps.target.setConcurrency(change.queue, change.to), change, 'concurrency')) applied.concurrency.push(change);
    }
    for (const change of plan.globalConcurrency) {
      if (await attempt(() => deps.target.setGlobalConcurrency(change.queue, change.to), change, 'global concurrency')) applied.globalConcurrency.push(change);
    }
    // Only what was applied becomes current; a failed step is retried by the next SIGHUP.
    current = {
      ...current,
      concurrency: { ...current.concurrency, ...Object.fromEntries(applied.concurrency.map((c) => [c.queue, c.to])) },
      globalConcurrency: { ...current.globalConcurrency, ...Object.fromEntries(applied.globalConcurrency.map((c) => [c.queue, c.to])) },
    };
    logger.info('configuration reloaded', {
      file: current.envFile,
      concurrency: applied.concurrency,
      globalConcurrency: applied.globalConcurrency,
      ...(restartRequired.length > 0 ? { restartRequired } : {}),
    });
  };

  const attempt = async (step: () => Promise<void>, change: Change<unknown>, what: string): Promise<boolean> => {
    try {
      await step();
      return true;
    } catch (error) {
      logger.error(`could not apply the new ${what}`, { queue: change.queue, to: change.to, error: errorInfo(error).message });
      return false;
    }
  };

  return {
    reload() {
      chain = chain.then(reloadOnce).catch((error: unknown) => {
        logger.error('reload failed', { error: errorInfo(error).message });
      });
      return chain;
    },
  };
}
