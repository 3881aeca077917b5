/**
 * ComfyUI's WebSocket `/ws?clientId=` as a small event stream. It is only a
 * latency optimisation and a progress feed (delivery is fire-and-forget, nothing
 * is replayed), so failing to connect is not an error: the stream simply reports
 * `connected: false` and the wait falls back to polling `/history`.
 */
import WebSocket from 'ws';
import { isPlainObject } from '../errors/job-errors.js';
import type { Logger } from '../logger.js';
import { abortReason } from '../util/abort.js';

/** One JSON frame: `{type, data}`. Binary preview frames are dropped. */
export interface ComfyEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface ComfyEventStream {
  /** The client id this socket registered with; submit prompts with it. */
  readonly clientId: string;
  /** True while the socket is open. */
  readonly connected: boolean;
  /** Subscribes to JSON frames; returns the unsubscribe function. */
  onEvent(listener: (event: ComfyEvent) => void): () => void;
  /** Called once if an open socket drops (ComfyUI restarting, network). */
  onClose(listener: () => void): () => void;
  close(): void;
}

export interface OpenEventsOptions {
  url: string;
  clientId: string;
  connectTimeoutMs: number;
  signal?: AbortSignal;
  logger: Logger;
}

/** Connects; resolves with a disconnected stream instead of rejecting (except on abort). */
export function openComfyEvents(options: OpenEventsOptions): Promise<ComfyEventStream> {
  const listeners = new Set<(event: ComfyEvent) => void>();
  const closeListeners = new Set<() => void>();
  const socket = new WebSocket(options.url, { handshakeTimeout: options.connectTimeoutMs });
  let open = false;
  let closedByUs = false;

  const stream: ComfyEventStream = {
    clientId: options.clientId,
    get connected() {
      return open;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      closedByUs = true;
      open = false;
      listeners.clear();
      closeListeners.clear();
      socket.removeAllListeners('message');
      // terminate() also works while still CONNECTING, unlike close().
      socket.terminate();
    },
  };

  socket.on('message', (raw: WebSocket.RawData, isBinary: boolean) => {
    if (isBinary) return;
    let parsed: unknown;
    try {
      const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.isBuffer(raw) ? raw.toString('utf8') : Buffer.from(new Uint8Array(raw)).toString('utf8');
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (!isPlainObject(parsed) || typeof parsed.type !== 'string') return;
    const event = { type: parsed.type, data: isPlainObject(parsed.data) ? parsed.data : {} };
    for (const listener of [...listeners]) listener(event);
  });

  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      stream.close();
      reject(abortReason(options.signal));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => options.signal?.removeEventListener('abort', onAbort);

    socket.once('open', () => {
      open = true;
      settle();
      resolve(stream);
    });
    // An 'error' is always followed by 'close'; the socket never throws unhandled.
    socket.on('error', (error) => {
      options.logger.debug('comfyui websocket error', { error: error.message });
    });
    socket.once('close', () => {
      const wasOpen = open;
      open = false;
      if (!wasOpen) {
        settle();
        if (!closedByUs) options.logger.warn('comfyui websocket unavailable, polling /history instead');
        resolve(stream);
        return;
      }
      if (!closedByUs) {
        options.logger.warn('comfyui websocket closed, polling /history instead');
        for (const listener of [...closeListeners]) listener();
      }
    });
  });
}
