/**
 * A client for OpenAI-compatible chat completions (OpenRouter, vLLM, llama.cpp,
 * Ollama...). It owns the retry policy of the LLM call: 429, 5xx, network errors,
 * timeouts and non-JSON answers are retried here with back-off that honours
 * `Retry-After`; once the retries are spent the error is a RetryableJobError so
 * BullMQ's own attempts take over. Other 4xx fail at once as unrecoverable.
 * The API key goes into the Authorization header and nowhere else.
 */
import fetch from 'node-fetch';
import { RetryableJobError, UnrecoverableJobError } from '../errors/job-errors.js';
import type { FetchLike } from '../http/fetch-json.js';
import { isRetryableStatus } from '../http/fetch-json.js';
import { silentLogger, type Logger } from '../logger.js';
import { abortReason, linkedSignal, sleep as abortableSleep, throwIfAborted } from '../util/abort.js';
import { oneLine, parseCompletion, parseRetryAfter, providerMessage, retryDelayMs, type LlmUsage } from './response.js';

export type { LlmUsage } from './response.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  messages: readonly ChatMessage[];
  maxTokens?: number;
  temperature?: number;
}

export interface CompletionResult {
  /** The completion text, trimmed; never empty. */
  text: string;
  /** Usage of the successful request (failed attempts report none). */
  usage: LlmUsage;
}

export interface LlmClient {
  /**
   * One chat completion. Rejects with UnrecoverableJobError (`LLM_HTTP_<4xx>`,
   * `LLM_EMPTY_COMPLETION`), RetryableJobError (retries spent: `LLM_HTTP_429`,
   * `LLM_HTTP_5xx`, `LLM_TIMEOUT`, `LLM_UNREACHABLE`, `LLM_BAD_RESPONSE`) or
   * AbortedError when `signal` fires.
   */
  complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult>;
}

export interface LlmClientOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  model: string;
  /** Bound of each HTTP request (each attempt), not of the whole retry sequence. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  fetch?: FetchLike;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** First back-off delay when the provider sends no Retry-After (default 1000). */
  retryBaseDelayMs?: number;
  /** Cap of any single wait, Retry-After included (default 30000). */
  maxRetryDelayMs?: number;
  /** Extra headers, e.g. OpenRouter's `HTTP-Referer` and `X-Title`. */
  headers?: Record<string, string>;
  logger?: Logger;
}

/** A failed attempt that may be retried. */
interface RetryableOutcome {
  ok: false;
  code: string;
  message: string;
  details: Record<string, unknown>;
  retryAfterMs?: number;
  empty?: boolean;
}
type Outcome = { ok: true; result: CompletionResult } | RetryableOutcome;

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const fetchImpl = options.fetch ?? fetch;
  const sleep = options.sleep ?? abortableSleep;
  const baseDelayMs = options.retryBaseDelayMs ?? 1000;
  const maxDelayMs = options.maxRetryDelayMs ?? 30_000;
  const logger = options.logger ?? silentLogger;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const apiKey = options.apiKey?.trim() || undefined;
  // Defence in depth: a provider may echo the key in its message; never pass it on.
  const redact = (text: string): string => (apiKey && apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text);

  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
    ...options.headers,
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  };

  async function attempt(request: CompletionRequest, signal: AbortSignal | undefined): Promise<Outcome> {
    const bounded = linkedSignal([signal], options.timeoutMs, `LLM provider did not answer within ${options.timeoutMs} ms`);
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          model: options.model,
          messages: request.messages,
          ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        }),
        signal: bounded.signal,
      });
      const text = await response.text();
      const body = parseJson(text);
      const status = response.status;
      if (!response.ok) {
        const reason = redact(providerMessage(body ?? text) ?? '(no message)');
        const code = `LLM_HTTP_${status}`;
        const message = `LLM provider answered ${status}: ${reason}`;
        if (!isRetryableStatus(status)) throw new UnrecoverableJobError(code, message, { status });
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        return { ok: false, code, message, details: { status }, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
      }
      if (body === undefined) {
        const type = response.headers.get('content-type') ?? 'no content type';
        return badResponse(`LLM provider answered ${status} with a body that is not JSON (${type}): ${redact(oneLine(text, 120))}`);
      }
      const parsed = parseCompletion(body);
      switch (parsed.kind) {
        case 'text':
          return { ok: true, result: { text: parsed.text, usage: parsed.usage } };
        case 'empty':
          return {
            ok: false,
            empty: true,
            code: 'LLM_EMPTY_COMPLETION',
            message: `LLM returned an empty completion (finish_reason: ${parsed.finishReason ?? 'none'})`,
            details: { finishReason: parsed.finishReason },
          };
        case 'error': {
          const message = `LLM provider reported an error: ${redact(parsed.message)}`;
          const errorStatus = parsed.status;
          if (errorStatus !== undefined && errorStatus >= 400 && errorStatus < 500 && !isRetryableStatus(errorStatus)) {
            throw new UnrecoverableJobError(`LLM_HTTP_${errorStatus}`, message, { status: errorStatus });
          }
          return { ok: false, code: 'LLM_PROVIDER_ERROR', message, details: { status: errorStatus } };
        }
        case 'malformed':
          return badResponse(`LLM provider answered ${status} with an unexpected JSON shape: ${parsed.problem}`);
      }
    } catch (error) {
      if (error instanceof UnrecoverableJobError) throw error;
      if (signal?.aborted) throw abortReason(signal);
      if (bounded.signal.aborted) {
        return { ok: false, code: 'LLM_TIMEOUT', message: abortReason(bounded.signal).message, details: { timeoutMs: options.timeoutMs } };
      }
      const cause = error as { code?: unknown; message?: unknown };
      const why = typeof cause.code === 'string' ? cause.code : 'network error';
      return { ok: false, code: 'LLM_UNREACHABLE', message: `LLM provider unreachable: ${why}`, details: { errno: cause.code } };
    } finally {
      bounded.dispose();
    }
  }

  return {
    async complete(request, signal) {
      let empties = 0;
      for (let attemptNo = 1; ; attemptNo++) {
        throwIfAborted(signal);
        const outcome = await attempt(request, signal);
        if (outcome.ok) return outcome.result;
        const retriesUsed = attemptNo - 1;
        if (outcome.empty) {
          // One more try: an empty answer is sometimes an upstream hiccup, but a
          // second one means this prompt/model pair will not do better (and each costs).
          empties += 1;
          if (empties > 1 || retriesUsed >= options.maxRetries) {
            throw new UnrecoverableJobError(outcome.code, `${outcome.message} after ${attemptNo} attempt(s)`, outcome.details);
          }
        } else if (retriesUsed >= options.maxRetries) {
          throw new RetryableJobError(outcome.code, `${outcome.message} (gave up after ${attemptNo} attempt(s))`, {
            ...outcome.details,
            attempts: attemptNo,
          });
        }
        const delayMs = retryDelayMs(retriesUsed, outcome.retryAfterMs, baseDelayMs, maxDelayMs);
        logger.warn('LLM request failed; retrying', { code: outcome.code, attempt: attemptNo, delayMs });
        await sleep(delayMs, signal);
      }
    },
  };
}

function badResponse(message: string): RetryableOutcome {
  return { ok: false, code: 'LLM_BAD_RESPONSE', message, details: {} };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

