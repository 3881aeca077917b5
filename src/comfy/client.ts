/**
 * The ComfyUI HTTP adapter: one method per endpoint the worker uses, every
 * request bounded by `timeoutMs` and abortable. Responses go through the pure
 * parsers next to this file; the WebSocket lives in events.ts.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import nodeFetch from 'node-fetch';
import { RetryableJobError, isPlainObject } from '../errors/job-errors.js';
import { fetchJson, type FetchLike, type JsonRequest } from '../http/fetch-json.js';
import { abortReason, linkedSignal } from '../util/abort.js';
import { parseHistory, parseQueue, type HistoryEntry } from './history.js';
import type { OutputFile } from './outputs.js';
import { postPrompt } from './submit.js';
import type { WorkflowGraph } from './workflow.js';

export interface ComfyClientOptions {
  /** Base URL without trailing slash. */
  baseUrl: string;
  /** Per-process client id (config adds the suffix); sockets may add their own. */
  clientId: string;
  timeoutMs: number;
  fetch?: FetchLike;
}

export interface SubmitRequest {
  graph: WorkflowGraph;
  /** Chosen by the worker so that a restart of ComfyUI can be detected. */
  promptId: string;
  clientId: string;
}

export interface ComfyClient {
  readonly baseUrl: string;
  readonly clientId: string;
  /** `GET /system_stats`: the readiness probe. */
  systemStats(signal?: AbortSignal): Promise<{ comfyuiVersion: string | undefined }>;
  /** `POST /prompt`; a 400 throws UnrecoverableJobError `COMFY_INVALID_PROMPT`. */
  submitPrompt(request: SubmitRequest, signal?: AbortSignal): Promise<{ promptId: string; number: number | undefined }>;
  /** `GET /history/{id}`; undefined while queued/running and for unknown ids. */
  getHistory(promptId: string, signal?: AbortSignal): Promise<HistoryEntry | undefined>;
  getQueue(signal?: AbortSignal): Promise<{ running: string[]; pending: string[] }>;
  /** `POST /queue {delete}` then `POST /interrupt {prompt_id}`; both are tried. */
  cancelPrompt(promptId: string, signal?: AbortSignal): Promise<void>;
  /** Streams `GET /view` into `destPath`; the file is never held in memory. */
  download(file: OutputFile, destPath: string, signal?: AbortSignal): Promise<{ sizeBytes: number }>;
  /** `ws://host/ws?clientId=<id>`. */
  webSocketUrl(clientId: string): string;
}

const SERVICE = 'ComfyUI';
const PREFIX = 'COMFY';

export function createComfyClient(options: ComfyClientOptions): ComfyClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? nodeFetch;
  const json = (method: JsonRequest['method'], path: string, signal?: AbortSignal, body?: unknown) =>
    fetchJson(
      { method, url: `${baseUrl}${path}`, body, signal, timeoutMs: options.timeoutMs, service: SERVICE, codePrefix: PREFIX },
      fetchImpl,
    );

  return {
    baseUrl,
    clientId: options.clientId,

    async systemStats(signal) {
      const { body } = await json('GET', '/system_stats', signal);
      const system = isPlainObject(body) && isPlainObject(body.system) ? body.system : {};
      return { comfyuiVersion: typeof system.comfyui_version === 'string' ? system.comfyui_version : undefined };
    },

    async submitPrompt(request, signal) {
      const payload = { prompt: request.graph, client_id: request.clientId, prompt_id: request.promptId };
      return postPrompt({ url: `${baseUrl}/prompt`, payload, timeoutMs: options.timeoutMs, signal, fetchImpl });
    },

    async getHistory(promptId, signal) {
      const { body } = await json('GET', `/history/${encodeURIComponent(promptId)}`, signal);
      return parseHistory(body, promptId);
    },

    async getQueue(signal) {
      const { body } = await json('GET', '/queue', signal);
      return parseQueue(body);
    },

    async cancelPrompt(promptId, signal) {
      // Delete removes it if still pending; interrupt stops it if running. Both, always.
      const results = await Promise.allSettled([
        json('POST', '/queue', signal, { delete: [promptId] }),
        json('POST', '/interrupt', signal, { prompt_id: promptId }),
      ]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },

    async download(file, destPath, signal) {
      const query = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type });
      const url = `${baseUrl}/view?${query.toString()}`;
      const bounded = linkedSignal([signal], options.timeoutMs, `ComfyUI download exceeded ${options.timeoutMs} ms`);
      try {
        const response = await fetchImpl(url, { signal: bounded.signal });
        if (!response.ok || !response.body) {
          response.body?.resume();
          throw new RetryableJobError('COMFY_DOWNLOAD_FAILED', `ComfyUI answered ${response.status} to GET /view for ${file.filename}`, {
            status: response.status,
          });
        }
        let sizeBytes = 0;
        response.body.on('data', (chunk: Buffer) => (sizeBytes += chunk.length));
        await pipeline(response.body, createWriteStream(destPath), { signal: bounded.signal });
        return { sizeBytes };
      } catch (error) {
        if (error instanceof RetryableJobError) throw error;
        if (signal?.aborted) throw abortReason(signal);
        const reason = bounded.signal.aborted ? abortReason(bounded.signal).message : (error as Error).message;
        throw new RetryableJobError('COMFY_DOWNLOAD_FAILED', `downloading ${file.filename} from ComfyUI failed: ${reason}`);
      } finally {
        bounded.dispose();
      }
    },

    webSocketUrl(clientId) {
      return `${baseUrl.replace(/^http/, 'ws')}/ws?clientId=${encodeURIComponent(clientId)}`;
    },
  };

}
