/**
 * ComfyUI outages are waited out inside the attempt instead of failing it: an
 * hour-long outage must not turn into a wall of failed jobs. `GET /system_stats`
 * is the probe; it is retried with capped exponential back-off until it answers
 * or the job's signal aborts.
 */
import type { Logger } from '../logger.js';
import { sleep, throwIfAborted } from '../util/abort.js';
import type { ComfyClient } from './client.js';

/** Failures that mean "ComfyUI is not there right now" (refused, DNS, 502/503). */
export function isComfyOutage(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'COMFY_UNREACHABLE' || code === 'COMFY_HTTP_502' || code === 'COMFY_HTTP_503';
}

export interface ReadinessOptions {
  signal: AbortSignal;
  logger: Logger;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Called before each back-off sleep while ComfyUI is down. */
  onWaiting?: (info: { failures: number; nextProbeMs: number; reason: string }) => Promise<void> | void;
}

// Clients whose version has been logged; the client is built once per process.
const versionLogged = new WeakSet<ComfyClient>();

/** Resolves once `/system_stats` answers; rethrows failures that are not outages. */
export async function waitUntilReachable(client: ComfyClient, options: ReadinessOptions): Promise<void> {
  let failures = 0;
  let delay = options.initialDelayMs;
  for (;;) {
    throwIfAborted(options.signal);
    try {
      const stats = await client.systemStats(options.signal);
      if (!versionLogged.has(client)) {
        versionLogged.add(client);
        options.logger.info('comfyui reachable', { comfyui_version: stats.comfyuiVersion ?? 'unknown', url: client.baseUrl });
      }
      if (failures > 0) options.logger.info('comfyui back after outage', { failures });
      return;
    } catch (error) {
      if (!isComfyOutage(error)) throw error;
      failures += 1;
      const reason = (error as Error).message;
      if (failures === 1) options.logger.warn('comfyui unreachable, waiting for it', { reason });
      await options.onWaiting?.({ failures, nextProbeMs: delay, reason });
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}
