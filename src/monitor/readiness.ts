/**
 * Readiness: Redis answers PING within a short deadline and every queue's
 * Worker is running. Returns the reasons it is not, for the 503 body.
 */
import { withDeadline } from '../metrics/queue-depth.js';
import { errorInfo } from '../errors/job-errors.js';

export interface ReadinessDeps {
  /** The shared connection's state (`ready` when usable) and a PING. */
  redis: { readonly status: string; ping(): Promise<string> };
  /** Each consumed queue and whether its Worker is running. */
  workers(): ReadonlyArray<{ queue: string; running: boolean }>;
  pingTimeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  /** `ok`, or what is wrong. */
  redis: string;
  workers: Record<string, 'running' | 'not running'>;
  reasons: string[];
}

export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const reasons: string[] = [];
  const workers: Record<string, 'running' | 'not running'> = {};
  const list = deps.workers();
  if (list.length === 0) reasons.push('workers not started');
  for (const { queue, running } of list) {
    workers[queue] = running ? 'running' : 'not running';
    if (!running) reasons.push(`worker for ${queue} is not running`);
  }
  let redis = 'ok';
  // A disconnected client would queue the PING until it reconnects; answer now instead.
  if (deps.redis.status !== 'ready') {
    redis = `not connected (${deps.redis.status})`;
  } else {
    try {
      const answer = await withDeadline(deps.redis.ping(), deps.pingTimeoutMs ?? 1000, 'redis PING');
      if (answer !== 'PONG') redis = `unexpected PING answer`;
    } catch (error) {
      redis = errorInfo(error).message;
    }
  }
  if (redis !== 'ok') reasons.push(`redis: ${redis}`);
  return { ready: reasons.length === 0, redis, workers, reasons };
}
