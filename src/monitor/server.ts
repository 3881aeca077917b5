/**
 * The monitor HTTP server of the supervisor: liveness, readiness, Prometheus
 * metrics and (when credentials are configured) the dashboard. It owns its
 * listening socket and every open connection, and closes them all on `close`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { Logger } from '../logger.js';
import { errorInfo } from '../errors/job-errors.js';
import type { Readiness } from './readiness.js';
import { DASHBOARD_PATH } from './dashboard.js';

export interface MonitorServerOptions {
  host: string;
  port: number;
  logger: Logger;
  readiness(): Promise<Readiness>;
  scrape(): Promise<{ contentType: string; body: string }>;
  /** Mounted at /bull-board when given; absent means 404 there. */
  dashboard?: Router;
}

export interface MonitorServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMonitorServer(options: MonitorServerOptions): Promise<MonitorServer> {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.status(200).json({ status: 'ok' });
  });
  app.get('/readyz', (_request, response) => {
    options.readiness().then(
      (readiness) => response.status(readiness.ready ? 200 : 503).json(readiness),
      (error: unknown) => response.status(503).json({ ready: false, reasons: [errorInfo(error).message] }),
    );
  });
  app.get('/metrics', (_request, response) => {
    options.scrape().then(
      ({ contentType, body }) => response.status(200).type(contentType).send(body),
      (error: unknown) => {
        logger.error('metrics scrape failed', { error: errorInfo(error).message });
        response.status(500).type('text/plain').send('metrics unavailable\n');
      },
    );
  });
  if (options.dashboard) app.use(DASHBOARD_PATH, options.dashboard);

  const server = createServer(app);
  await listen(server, options.port, options.host);
  server.on('error', (error) => logger.error('monitor server error', { error: error.message }));
  const port = (server.address() as AddressInfo).port;
  logger.info('monitor listening', { host: options.host, port, dashboard: options.dashboard !== undefined });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (Prometheus, browsers) would hold close() open.
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
