/**
 * Posts alerts to a webhook without ever holding up the caller: `send` returns
 * at once, the request has a deadline, errors are logged, and at most one
 * request per key (queue) is in flight: a further alert for a queue whose
 * previous one is still pending is dropped and logged, so a hanging receiver
 * cannot pile up sockets.
 */
import type { Logger } from '../logger.js';
import { errorInfo } from '../errors/job-errors.js';

/** The body of a failure alert. */
export interface FailureAlert {
  queue: string;
  jobId: string | undefined;
  consecutiveFailures: number;
  message: string;
  /** ISO 8601. */
  timestamp: string;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number; body?: unknown }>;

export interface AlertWebhookOptions {
  url: string;
  timeoutMs: number;
  logger: Logger;
  fetch?: FetchLike;
}

export interface AlertWebhook {
  /** Fire and forget; never throws, never waits. */
  send(key: string, alert: FailureAlert): void;
  /** Aborts requests still in flight (shutdown) and waits for them to settle. */
  close(): Promise<void>;
}

export function createAlertWebhook(options: AlertWebhookOptions): AlertWebhook {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const logger = options.logger;

  const post = async (alert: FailureAlert, signal: AbortSignal): Promise<void> => {
    const response = await fetchImpl(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alert),
      signal,
    });
    // Release the socket: the receiver's answer is not needed.
    const body = response.body as { cancel?: () => Promise<void> } | undefined;
    await body?.cancel?.().catch(() => undefined);
    if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
  };

  return {
    send(key, alert) {
      if (inFlight.has(key)) {
        logger.warn('alert not sent: the previous one for this queue is still in flight', { queue: alert.queue });
        return;
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error(`webhook timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      const done = post(alert, controller.signal)
        .then(
          () => logger.info('failure alert sent', { queue: alert.queue, consecutiveFailures: alert.consecutiveFailures }),
          (error: unknown) => {
            const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
            logger.error('failure alert not delivered', { queue: alert.queue, error: errorInfo(reason).message });
          },
        )
        .finally(() => {
          clearTimeout(timer);
          inFlight.delete(key);
        });
      inFlight.set(key, { controller, done });
    },
    async close() {
      const pending = [...inFlight.values()];
      for (const request of pending) request.controller.abort(new Error('worker shutting down'));
      await Promise.all(pending.map((request) => request.done));
    },
  };
}
