/**
 * The supervisor: one sandboxed BullMQ Worker per queue, each pointed at its
 * compiled processor file and run in child processes (never worker threads: a
 * native crash in a thread would take the supervisor down). It owns the
 * workers, their child pools and the order of shutdown; the status lifecycle
 * is attached to every worker from one place.
 */
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '../config/index.js';
import { processorFileName, type QueueName } from '../queues.js';
import type { Logger } from '../logger.js';
import { attachLifecycle, type LifecycleObserver } from '../lifecycle/lifecycle.js';
import type { StatusReporter } from '../lifecycle/status-reporter.js';
import { errorInfo } from '../errors/job-errors.js';
import { GuardedChildPool, type ChildExit } from './guarded-child-pool.js';
import { checkProcessorFile } from './preflight.js';
import { bullmqChildMainFile, childExecArgv } from './child-options.js';
import { runAll } from './run-all.js';
import { parseTelemetry, type ChildTelemetry } from '../sandbox/child-telemetry.js';
import { applyGlobalConcurrency } from './global-concurrency.js';
import { trimToLimit } from './pool-limit.js';
import { pgroupDir, runDir } from './tmp-dir.js';

export interface SupervisorOptions {
  config: WorkerConfig;
  connection: Redis;
  reporter: StatusReporter;
  logger: Logger;
  /** Directory of compiled processors (`<queue>.js`). */
  processorDir: string;
  observer?: SupervisorObserver;
}

/** Lifecycle events plus what only the supervisor sees: child exits and child telemetry. */
export interface SupervisorObserver extends LifecycleObserver {
  onChildExit?(exit: ChildExit, queue: QueueName): void;
  onChildTelemetry?(event: ChildTelemetry, queue: QueueName): void;
}

/** Reason given to processors when jobs are aborted by a shutdown (they requeue themselves). */
export const SHUTDOWN_REASON = 'worker-shutdown';

export interface Supervisor {
  start(): Promise<void>;
  /** Stops taking jobs, drains, aborts what is left, kills children. Never throws. */
  close(): Promise<void>;
  readonly workers: ReadonlyMap<QueueName, Worker>;
  readonly pools: ReadonlyMap<QueueName, GuardedChildPool>;
  /** Changes a queue's local concurrency; children above the limit are released (idle now, busy ones when their job ends). */
  setConcurrency(queue: QueueName, concurrency: number): Promise<void>;
  /** Applies a fleet-wide cap (see global-concurrency.ts): a number sets it, 0 removes it, undefined leaves it. */
  setGlobalConcurrency(queue: QueueName, cap: number | undefined): Promise<void>;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { config, logger } = options;
  const workers = new Map<QueueName, Worker>();
  const pools = new Map<QueueName, GuardedChildPool>();
  const pgroups = pgroupDir(config.tmpDir);
  const execArgv = childExecArgv(config);
  const fileOf = (queue: QueueName): string => join(options.processorDir, processorFileName(queue));
  let closing: Promise<void> | undefined;

  const createWorker = (queue: QueueName): Worker => {
    const queueLogger = logger.child({ queue });
    const worker = new Worker(queue, fileOf(queue), {
      connection: options.connection,
      ...(config.bullPrefix ? { prefix: config.bullPrefix } : {}),
      concurrency: config.concurrency[queue],
      autorun: false,
      useWorkerThreads: false,
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: 1,
      maxStartedAttempts: config.maxStartedAttempts,
    });
    const pool = new GuardedChildPool({
      mainFile: bullmqChildMainFile(),
      useWorkerThreads: false,
      // detached: each child leads its own process group, so killing the group
      // reaches every subprocess it started (see process-groups.ts).
      workerForkOptions: { execArgv, detached: true },
      pgroupDir: pgroups,
      attemptTmpRoot: runDir(config.tmpDir, process.pid),
      killGraceMs: 5000,
      hooks: {
        onForkError: (error) => queueLogger.error('could not start a processor child', { error: error.message, code: (error as { code?: string }).code }),
        onChildExit: (exit) => {
          if (!exit.expected && (exit.signal !== null || exit.exitCode !== 0)) {
            queueLogger.warn('processor child died', { childPid: exit.pid, exitCode: exit.exitCode, signal: exit.signal });
          }
          options.observer?.onChildExit?.(exit, queue);
        },
        onChildMessage: (message) => {
          const event = parseTelemetry(message);
          if (event) options.observer?.onChildTelemetry?.(event, queue);
        },
      },
    });
    installChildPool(worker, pool, fileOf(queue));
    worker.on('error', (error) => queueLogger.error('worker error', { error: errorInfo(error).message }));
    attachLifecycle(worker, { queue, reporter: options.reporter, logger, observer: options.observer });
    // A child busy when concurrency was lowered is back in the free list by the time its job ends.
    const retrim = (): void => void trimToLimit(pool, fileOf(queue), worker.concurrency)
      .then((released) => { if (released > 0) queueLogger.info('released idle children above the concurrency', { releasedChildren: released, concurrency: worker.concurrency }); })
      .catch((error: unknown) => queueLogger.error('could not release idle children', { error: errorInfo(error).message }));
    worker.on('completed', retrim);
    worker.on('failed', retrim);
    pools.set(queue, pool);
    return worker;
  };

  const setGlobalConcurrency = async (queue: QueueName, cap: number | undefined): Promise<void> => {
    const handle = new Queue(queue, { connection: options.connection, ...(config.bullPrefix ? { prefix: config.bullPrefix } : {}) });
    try {
      await applyGlobalConcurrency(handle, cap, logger);
    } finally {
      await handle.close();
    }
  };

  return {
    workers,
    pools,
    async start() {
      const checks = await Promise.allSettled(config.queues.map((queue) => checkProcessorFile(fileOf(queue), execArgv)));
      const broken = checks.flatMap((check) => (check.status === 'rejected' ? [errorInfo(check.reason).message] : []));
      if (broken.length > 0) throw new Error(broken.join('; '));
      // Caps first, so no worker takes a job before the fleet-wide limit is in force.
      for (const queue of config.queues) await setGlobalConcurrency(queue, config.globalConcurrency[queue]);
      for (const queue of config.queues) workers.set(queue, createWorker(queue));
      for (const [queue, worker] of workers) {
        worker.run().catch((error: unknown) => logger.error('worker stopped', { queue, error: errorInfo(error).message }));
        logger.info('consuming queue', { queue, concurrency: worker.concurrency, processor: fileOf(queue) });
      }
      await Promise.all([...workers.values()].map((worker) => worker.waitUntilReady()));
    },
    async setConcurrency(queue, concurrency) {
      const worker = workers.get(queue);
      if (!worker) return;
      const from = worker.concurrency;
      worker.concurrency = concurrency;
      const pool = pools.get(queue);
      const released = pool ? await trimToLimit(pool, fileOf(queue), concurrency) : 0;
      logger.info('concurrency changed', { queue, from, concurrency, releasedChildren: released, children: pool?.size() ?? 0 });
    },
    setGlobalConcurrency,
    close() {
      closing ??= closeWorkers([...workers.values()], config.shutdownTimeoutMs, logger);
      return closing;
    },
  };
}

// How long aborted jobs get to requeue themselves before their children are killed.
const ABORT_GRACE_MS = 5000;

/**
 * Shutdown: stop fetching and let active jobs finish; at the deadline abort them
 * (processors requeue themselves on SHUTDOWN_REASON); if they still do not end,
 * kill the children. Every step runs even if an earlier one fails.
 */
async function closeWorkers(workers: Worker[], timeoutMs: number, logger: Logger): Promise<void> {
  const closed = Promise.all(workers.map((worker) => worker.close().catch(() => undefined)));
  if (await finishesWithin(closed, timeoutMs)) return;
  logger.warn('shutdown timeout reached, aborting active jobs', { timeoutMs });
  await runAll(workers.map((worker) => () => worker.cancelAllJobs(SHUTDOWN_REASON)));
  if (await finishesWithin(closed, ABORT_GRACE_MS)) return;
  logger.error('active jobs did not stop after abort; killing processor children', { graceMs: ABORT_GRACE_MS });
  await runAll(workers.map((worker) => () => poolOf(worker)?.killAll()));
  await finishesWithin(closed, ABORT_GRACE_MS);
}

async function finishesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  const result = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return result;
}

/**
 * Swaps BullMQ's ChildPool for the guarded one before the worker runs. The pool
 * is a private field of Worker (bullmq pinned to 6.7.6); its constructor created
 * a pool that has forked nothing yet, and `createSandbox` rebinds the processor
 * to the new pool. `close()` cleans whichever pool is installed.
 */
function installChildPool(worker: Worker, pool: GuardedChildPool, processorFile: string): void {
  const internals = worker as unknown as { childPool: unknown; createSandbox(file: string): void };
  internals.childPool = pool;
  internals.createSandbox(processorFile);
}

function poolOf(worker: Worker): GuardedChildPool | undefined {
  const pool = (worker as unknown as { childPool: unknown }).childPool;
  return pool instanceof GuardedChildPool ? pool : undefined;
}
