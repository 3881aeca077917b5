/**
 * One bounded JSON request with node-fetch, classified the way the whole worker
 * classifies HTTP failures: 408/425/429/5xx and network errors are retryable,
 * other 4xx are not (the same request will fail the same way).
 */
import fetch from 'node-fetch';
import { RetryableJobError, UnrecoverableJobError } from '../errors/job-errors.js';
import { linkedSignal, abortReason } from '../util/abort.js';

export type FetchLike = typeof fetch;

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the remote service in error messages ("platform API", "ComfyUI"). */
  service: string;
  /** Error code prefix, e.g. `API` gives `API_HTTP_404`, `API_UNREACHABLE`. */
  codePrefix: string;
  /**
   * Non-2xx statuses the caller handles itself (their body is returned, not
   * thrown), e.g. ComfyUI's 400 whose node errors the job failure must carry.
   */
  passStatuses?: readonly number[];
}

export interface JsonResponse {
  status: number;
  body: unknown;
  headers: { get(name: string): string | null };
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || status >= 500;
}

/** Sends the request; resolves for 2xx, throws a classified error otherwise. */
export async function fetchJson(request: JsonRequest, fetchImpl: FetchLike = fetch): Promise<JsonResponse> {
  const { signal, dispose } = linkedSignal([request.signal], request.timeoutMs,
    `${request.service} did not answer within ${request.timeoutMs} ms`);
  const target = `${request.method} ${redactUrl(request.url)}`;
  try {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      signal,
    });
    const text = await response.text();
    const body = parseBody(text);
    if (response.ok || request.passStatuses?.includes(response.status)) {
      return { status: response.status, body, headers: response.headers };
    }
    const message = `${request.service} answered ${response.status} to ${target}: ${describeBody(body)}`;
    const details = { status: response.status, service: request.service };
    const code = `${request.codePrefix}_HTTP_${response.status}`;
    if (isRetryableStatus(response.status)) throw new RetryableJobError(code, message, details);
    throw new UnrecoverableJobError(code, message, details);
  } catch (error) {
    if (error instanceof RetryableJobError || error instanceof UnrecoverableJobError) throw error;
    if (signal.aborted) {
      if (request.signal?.aborted) throw abortReason(request.signal);
      throw new RetryableJobError(`${request.codePrefix}_TIMEOUT`, abortReason(signal).message, {
        service: request.service,
      });
    }
    const cause = error as { code?: string; message?: string };
    throw new RetryableJobError(
      `${request.codePrefix}_UNREACHABLE`,
      `${request.service} unreachable (${target}): ${cause.code ?? cause.message ?? 'network error'}`,
      { service: request.service, errno: cause.code },
    );
  } finally {
    dispose();
  }
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A short, single-line rendering of an error body for messages (bounded length). */
export function describeBody(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine || '(empty body)';
}

/** Drops query strings, which may carry signatures or keys, from URLs in messages. */
export function redactUrl(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?…`;
}
