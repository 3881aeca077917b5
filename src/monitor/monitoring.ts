/**
 * Everything the operator sees, assembled once for the supervisor: metrics,
 * failure alerts, the Queues behind queue depth and the dashboard, and the
 * monitor HTTP server. main.ts builds it before the status reporter (whose
 * delivery failures it counts) and the supervisor (which it observes), starts
 * it before the Workers so liveness answers during start-up, and closes it
 * after the Workers are done.
 */
import type { Redis } from 'ioredis';
import type { MonitorConfig } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { QueueName } from '../queues.js';
import type { SupervisorObserver } from '../supervisor/supervisor.js';
import { createWorkerMetrics } from '../metrics/worker-metrics.js';
import { createQueueHandles } from '../metrics/queue-depth.js';
import { createAlertWebhook, type AlertWebhook } from '../alerts/webhook.js';
import { createFailureAlerts } from '../alerts/failure-alerts.js';
import { runAll } from '../supervisor/run-all.js';
import { composeObservers } from './compose-observers.js';
import { checkReadiness } from './readiness.js';
import { createDashboardRouter } from './dashboard.js';
import { startMonitorServer, type MonitorServer } from './server.js';

export interface MonitoringDeps {
  config: MonitorConfig;
  queues: readonly QueueName[];
  bullPrefix: string | undefined;
  connection: Redis;
  logger: Logger;
  /** The status reporter's `pending()`, read on scrape. */
  pendingStatusUpdates(): number;
}

export interface Monitoring {
  observer: SupervisorObserver;
  /** For the status reporter's `onDeliveryFailure`. */
  statusSyncFailed(): void;
  /** Starts the HTTP server (when enabled); `workers` is read on each readiness check. */
  start(workers: () => ReadonlyMap<QueueName, { isRunning(): boolean }>): Promise<void>;
  /** Closes the server, the Queues and pending alert requests. Never throws. */
  close(): Promise<void>;
}

export function createMonitoring(deps: MonitoringDeps): Monitoring {
  const { config, logger } = deps;
  const monitorLogger = logger.child({ component: 'monitor' });
  const queues = createQueueHandles({ names: deps.queues, connection: deps.connection, prefix: deps.bullPrefix });
  const metrics = createWorkerMetrics({
    prefix: config.metricsPrefix,
    readQueueDepth: () => queues.readDepth(),
    pendingStatusUpdates: () => deps.pendingStatusUpdates(),
    logger: monitorLogger,
  });
  let webhook: AlertWebhook | undefined;
  const observers: SupervisorObserver[] = [metrics.observer];
  if (config.alerts.webhookUrl) {
    webhook = createAlertWebhook({ url: config.alerts.webhookUrl, timeoutMs: config.alerts.timeoutMs, logger: logger.child({ component: 'alerts' }) });
    observers.push(createFailureAlerts({ threshold: config.alerts.failureThreshold, webhook }));
  }
  let server: MonitorServer | undefined;

  return {
    observer: composeObservers(observers, monitorLogger),
    statusSyncFailed: () => metrics.statusSyncFailed(),
    async start(workers) {
      if (!config.enabled) return;
      server = await startMonitorServer({
        host: config.host,
        port: config.port,
        logger: monitorLogger,
        scrape: () => metrics.scrape(),
        readiness: () =>
          checkReadiness({
            redis: deps.connection,
            workers: () => [...workers()].map(([queue, worker]) => ({ queue, running: worker.isRunning() })),
          }),
        ...(config.dashboard ? { dashboard: createDashboardRouter({ queues: [...queues.queues.values()], credentials: config.dashboard }) } : {}),
      });
    },
    async close() {
      const errors = await runAll([() => server?.close(), () => webhook?.close(), () => queues.close()]);
      for (const error of errors) monitorLogger.error('monitor shutdown step failed', { error: String(error) });
    },
  };
}
