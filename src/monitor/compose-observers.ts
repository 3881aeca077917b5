/**
 * Several observers (metrics, alerts) behind the one observer slot of the
 * supervisor. Each hook of each observer is called in turn and isolated: one
 * that throws is logged and the others still run.
 */
import type { SupervisorObserver } from '../supervisor/supervisor.js';
import type { Logger } from '../logger.js';
import { errorInfo } from '../errors/job-errors.js';

export function composeObservers(observers: readonly SupervisorObserver[], logger: Logger): SupervisorObserver {
  const each = (hook: string, call: (observer: SupervisorObserver) => void): void => {
    for (const observer of observers) {
      try {
        call(observer);
      } catch (error) {
        logger.error('observer failed', { hook, error: errorInfo(error).message });
      }
    }
  };
  return {
    onActive: (queue, job) => each('onActive', (o) => o.onActive?.(queue, job)),
    onCompleted: (queue, job) => each('onCompleted', (o) => o.onCompleted?.(queue, job)),
    onFailed: (queue, job, final, code, crashedBy) => each('onFailed', (o) => o.onFailed?.(queue, job, final, code, crashedBy)),
    onChildExit: (exit, queue) => each('onChildExit', (o) => o.onChildExit?.(exit, queue)),
    onChildTelemetry: (event, queue) => each('onChildTelemetry', (o) => o.onChildTelemetry?.(event, queue)),
  };
}
