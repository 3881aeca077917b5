/**
 * A small child→supervisor channel for events the supervisor cannot see itself
 * (an ffmpeg crash inside the video child is retried there and may never fail
 * the job). Messages travel on the IPC channel BullMQ already uses; BullMQ's
 * sandbox switches on `cmd` and ignores commands it does not know
 * (bullmq 6.7.6 dist/cjs/classes/sandbox.js), so ours pass through untouched.
 */

/** The `cmd` that marks our messages apart from BullMQ's numeric ones. */
export const TELEMETRY_CMD = 'influencerai:telemetry';

/** Events a processor child reports to its supervisor. */
export type ChildTelemetry = { event: 'ffmpeg-crash'; signal: string };

/**
 * Sends one event to the supervisor when this process has an IPC channel (a
 * sandboxed child); a no-op otherwise (unit tests, scripts). Never throws:
 * telemetry must not fail a job.
 */
export function sendTelemetry(event: ChildTelemetry, target: Pick<NodeJS.Process, 'send' | 'connected'> = process): void {
  if (typeof target.send !== 'function' || !target.connected) return;
  try {
    target.send({ cmd: TELEMETRY_CMD, ...event }, undefined, undefined, () => undefined);
  } catch {
    // The channel closed between the check and the send: the event is lost, the job is not.
  }
}

/** The event carried by an IPC message, or undefined when it is not ours or malformed. */
export function parseTelemetry(message: unknown): ChildTelemetry | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { cmd, event, signal } = message as Record<string, unknown>;
  if (cmd !== TELEMETRY_CMD) return undefined;
  if (event === 'ffmpeg-crash' && typeof signal === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(signal)) {
    return { event, signal };
  }
  return undefined;
}
