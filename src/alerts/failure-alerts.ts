/**
 * Failure alerts as a lifecycle observer: final failures feed the per-queue
 * streak, successes end it, and an alert due at the threshold goes to the
 * webhook (fire and forget). The observer itself does no I/O and cannot
 * delay the Worker's event handlers.
 */
import type { LifecycleObserver } from '../lifecycle/lifecycle.js';
import { apiJobId } from '../lifecycle/lifecycle.js';
import { createFailureStreaks } from './streak.js';
import type { AlertWebhook, FailureAlert } from './webhook.js';

export interface FailureAlertsOptions {
  threshold: number;
  webhook: Pick<AlertWebhook, 'send'>;
  now?: () => Date;
}

export function createFailureAlerts(options: FailureAlertsOptions): LifecycleObserver {
  const streaks = createFailureStreaks(options.threshold);
  const now = options.now ?? (() => new Date());
  return {
    onCompleted(queue) {
      streaks.succeeded(queue);
    },
    onFailed(queue, job, final, code) {
      if (!final) return;
      const due = streaks.failed(queue);
      if (due === undefined) return;
      const alert: FailureAlert = {
        queue,
        jobId: job ? (apiJobId(job) ?? job.id) : undefined,
        consecutiveFailures: due,
        // Codes only: failure messages can quote job input, which must not leave the host.
        message: `${due} consecutive jobs failed on ${queue}; the last with ${code}`,
        timestamp: now().toISOString(),
      };
      options.webhook.send(queue, alert);
    },
  };
}
