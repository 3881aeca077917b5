/**
 * Composition root of the supervisor: load config, build the logger, Redis, the
 * status reporter and the supervisor; turn SIGTERM/SIGINT into an orderly close.
 */
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadConfig, ConfigError, type SupervisorConfig } from './config/index.js';
import { createLogger } from './logger.js';
import { createApiClient } from './api/client.js';
import { createStatusReporter } from './lifecycle/status-reporter.js';
import { createOutboxStore } from './status/outbox-store.js';
import { createDelivery } from './status/delivery.js';
import { startFinalReconciler } from './lifecycle/final-reconciler.js';
import { createSupervisor } from './supervisor/supervisor.js';
import { errorInfo } from './errors/job-errors.js';
import { runAll } from './supervisor/run-all.js';
import { prepareTmpDir } from './supervisor/tmp-dir.js';
import { createMonitoring } from './monitor/monitoring.js';
import { composeObservers } from './monitor/compose-observers.js';
import type { RawEnv } from './config/index.js';
import { withEnvFile } from './config/env-file.js';
import { createReloader } from './supervisor/reload.js';

const DEFAULT_PROCESSOR_DIR = fileURLToPath(new URL('../processors', import.meta.url));

async function main(): Promise<void> {
  let config: Readonly<SupervisorConfig>;
  // WORKER_ENV_FILE overrides the environment at start and on SIGHUP.
  const baseEnv: RawEnv = { ...process.env };
  let startEnv: RawEnv;
  try {
    const withFile = await withEnvFile(baseEnv);
    // Processor children inherit process.env, so they see the file's values too.
    Object.assign(process.env, withFile.fileValues);
    startEnv = withFile.env;
    config = loadConfig(startEnv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { worker: settings } = config;
  const logger = createLogger({ ...settings.log, role: 'supervisor' });
  await prepareTmpDir(settings.tmpDir, logger);

  const connection = new Redis({
    host: settings.redis.host,
    port: settings.redis.port,
    password: settings.redis.password,
    // Required by BullMQ workers: commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
  });
  connection.on('error', (error) => logger.warn('redis connection error', { error: error.message }));
  // --- monitor: metrics, alerts, health/metrics/dashboard server (issue 6) ---
  const monitoring = createMonitoring({
    config: config.monitor,
    queues: settings.queues,
    bullPrefix: settings.bullPrefix,
    connection,
    logger,
    pendingStatusUpdates: () => reporter.pending(),
  });
  // --- end monitor ---
  const api = createApiClient({ baseUrl: settings.apiBaseUrl });
  const statusLogger = logger.child({ component: 'status' });
  const outbox = createOutboxStore(connection, { prefix: settings.bullPrefix });
  const delivery = createDelivery({
    store: outbox,
    patchJob: (jobId, update, signal) => api.patchJob(jobId, update, signal),
    logger: statusLogger,
    onDeliveryFailure: () => monitoring.statusSyncFailed(),
  });
  const reporter = createStatusReporter({ store: outbox, delivery, logger: statusLogger });
  delivery.start();
  // Re-reports finals that finished in Redis without a worker event (see final-reconciler.ts).
  const reconciler = startFinalReconciler({
    queues: settings.queues,
    connection: { host: settings.redis.host, port: settings.redis.port, password: settings.redis.password },
    client: connection,
    prefix: settings.bullPrefix,
    reporter,
    logger: statusLogger,
  });

  const supervisor = createSupervisor({
    config: settings,
    connection,
    reporter,
    logger,
    processorDir: settings.processorDir ?? DEFAULT_PROCESSOR_DIR,
    observer: composeObservers([monitoring.observer, reconciler.observer], logger),
  });

  let stopping = false;
  const stop = async (reason: string, exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { reason });
    const step = (name: string, run: () => Promise<unknown>) => async (): Promise<void> => {
      await run();
      logger.debug('shutdown step done', { step: name });
    };
    const errors = await runAll([
      step('workers', () => supervisor.close()),
      step('final reconciler', () => reconciler.close()),
      step('monitor', () => monitoring.close()),
      step('status flush', async () => {
        const left = await reporter.flush(5000);
        if (left > 0) logger.warn('status updates kept in the Redis outbox for later delivery', { count: left });
      }),
      step('redis', () => connection.quit()),
    ]);
    for (const error of errors) logger.error('shutdown step failed', { error: errorInfo(error).message });
    logger.info('stopped');
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception in supervisor', { error: error.message, stack: error.stack });
    void stop('uncaughtException', 1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection in supervisor', { error: errorInfo(reason).message });
  });

  // ops: SIGHUP re-reads WORKER_ENV_FILE and applies concurrency changes (src/supervisor/reload.ts).
  const reloader = createReloader({ baseEnv, startEnv, settings, target: supervisor, logger: logger.child({ component: 'reload' }) });
  let started = false;
  process.on('SIGHUP', () => {
    if (!started || stopping) {
      logger.warn('SIGHUP ignored while the supervisor is starting or stopping');
      return;
    }
    void reloader.reload();
  });

  try {
    await monitoring.start(() => supervisor.workers);
    await supervisor.start();
  } catch (error) {
    logger.error('start-up failed', { error: errorInfo(error).message });
    await stop('start-up failure', 1);
    return;
  }
  started = true;
  logger.info('supervisor ready', { queues: settings.queues, pid: process.pid });
}

void main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${errorInfo(error).message}\n`);
  process.exit(1);
});

