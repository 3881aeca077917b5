/**
 * The monitor section: the supervisor's HTTP server (health, readiness, metrics,
 * the BullMQ dashboard) and failure alerts. Older variable names
 * (BULL_BOARD_USER, BULL_BOARD_PASSWORD, ALERT_WEBHOOK_URL) are still accepted.
 */
import { makeValidator, EnvError, str } from 'envalid';
import { cleanSection, flag, httpUrl, positiveInt, withAliases } from './env.js';
import type { RawEnv } from './env.js';

export interface MonitorConfig {
  enabled: boolean;
  host: string;
  /** 0 asks the OS for a free port (tests); the bound port is logged as `monitor listening`. */
  port: number;
  metricsPrefix: string;
  /** Both set, or the dashboard is not mounted. */
  dashboard: { user: string; password: string } | undefined;
  alerts: { webhookUrl: string | undefined; failureThreshold: number; timeoutMs: number };
}

/** A TCP port to listen on, 0..65535 (0 = any free port). */
const listenPort = makeValidator<number>((input: string) => {
  const value = Number(input);
  if (!/^\d+$/.test(input.trim()) || value > 65535) {
    throw new EnvError(`must be a port number 0-65535, got "${input}"`);
  }
  return value;
});

/** Prometheus metric names allow [a-zA-Z_:][a-zA-Z0-9_:]*; the prefix starts every name. */
const metricPrefix = makeValidator<string>((input: string) => {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(input)) {
    throw new EnvError(`must be a Prometheus name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*), got "${input}"`);
  }
  return input;
});

const spec = {
  WORKER_MONITOR_ENABLED: flag({ default: true, desc: 'run the monitor HTTP server' }),
  WORKER_MONITOR_HOST: str({ default: '0.0.0.0', desc: 'monitor bind address' }),
  WORKER_MONITOR_PORT: listenPort({ default: 3031, desc: 'monitor port (0 = any free port)' }),
  WORKER_METRICS_PREFIX: metricPrefix({ default: 'influencerai_worker_', desc: 'prefix of every metric name' }),
  WORKER_BULL_BOARD_USER: str({ default: undefined, desc: 'dashboard basic-auth user (alias BULL_BOARD_USER)' }),
  WORKER_BULL_BOARD_PASSWORD: str({ default: undefined, desc: 'dashboard basic-auth password (alias BULL_BOARD_PASSWORD)' }),
  WORKER_ALERT_WEBHOOK_URL: httpUrl({ default: undefined, desc: 'failure alert webhook (alias ALERT_WEBHOOK_URL)' }),
  WORKER_ALERT_FAILURE_THRESHOLD: positiveInt({ default: 3, desc: 'consecutive final failures on one queue before an alert' }),
  WORKER_ALERT_TIMEOUT_MS: positiveInt({ default: 5000, desc: 'how long one webhook request may take' }),
};

export function loadMonitorConfig(env: RawEnv): MonitorConfig {
  const cleaned = cleanSection(
    withAliases(env, {
      WORKER_BULL_BOARD_USER: ['BULL_BOARD_USER'],
      WORKER_BULL_BOARD_PASSWORD: ['BULL_BOARD_PASSWORD'],
      WORKER_ALERT_WEBHOOK_URL: ['ALERT_WEBHOOK_URL'],
    }),
    spec,
  );
  const user = cleaned.WORKER_BULL_BOARD_USER;
  const password = cleaned.WORKER_BULL_BOARD_PASSWORD;
  return {
    enabled: cleaned.WORKER_MONITOR_ENABLED,
    host: cleaned.WORKER_MONITOR_HOST,
    port: cleaned.WORKER_MONITOR_PORT,
    metricsPrefix: cleaned.WORKER_METRICS_PREFIX,
    dashboard: user !== undefined && password !== undefined ? { user, password } : undefined,
    alerts: {
      webhookUrl: cleaned.WORKER_ALERT_WEBHOOK_URL,
      failureThreshold: cleaned.WORKER_ALERT_FAILURE_THRESHOLD,
      timeoutMs: cleaned.WORKER_ALERT_TIMEOUT_MS,
    },
  };
}
