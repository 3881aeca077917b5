/**
 * Pure readers of OpenAI-compatible chat-completion answers: the completion
 * text and token usage, the provider's error message, and `Retry-After`.
 * No I/O here, so every odd provider shape is unit-testable.
 */
import { isPlainObject } from '../errors/job-errors.js';

/** Token usage as reported by the provider (zeros when it reports none). */
export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type ParsedCompletion =
  | { kind: 'text'; text: string; usage: LlmUsage }
  | { kind: 'empty'; usage: LlmUsage; finishReason: string | undefined }
  | { kind: 'error'; message: string; status: number | undefined }
  | { kind: 'malformed'; problem: string };

/** Parses the JSON body of a 2xx chat-completion response. */
export function parseCompletion(body: unknown): ParsedCompletion {
  if (!isPlainObject(body)) return { kind: 'malformed', problem: 'the body is not a JSON object' };
  // OpenRouter can answer 200 with an `error` object (e.g. an upstream failure).
  if (isPlainObject(body.error)) {
    const code = body.error.code;
    return {
      kind: 'error',
      message: providerMessage(body) ?? 'unspecified error',
      status: typeof code === 'number' ? code : undefined,
    };
  }
  const usage = parseUsage(body.usage);
  if (!Array.isArray(body.choices)) return { kind: 'malformed', problem: 'the body has no choices array' };
  const first: unknown = body.choices[0];
  if (!isPlainObject(first)) return { kind: 'empty', usage, finishReason: undefined };
  const finishReason = typeof first.finish_reason === 'string' ? first.finish_reason : undefined;
  const message = isPlainObject(first.message) ? first.message : {};
  const text = contentText(message.content).trim();
  return text.length === 0 ? { kind: 'empty', usage, finishReason } : { kind: 'text', text, usage };
}

/** `content` is usually a string; some providers send an array of text parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isPlainObject(part) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

export function parseUsage(usage: unknown): LlmUsage {
  if (!isPlainObject(usage)) return { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const promptTokens = count(usage.prompt_tokens);
  const completionTokens = count(usage.completion_tokens);
  const total = count(usage.total_tokens);
  return { promptTokens, completionTokens, totalTokens: total > 0 ? total : promptTokens + completionTokens };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** The provider's own message: `{error:{message}}` (OpenAI/OpenRouter) or `{message}`. */
export function providerMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() ? oneLine(body) : undefined;
  if (!isPlainObject(body)) return undefined;
  const error = body.error;
  if (isPlainObject(error) && typeof error.message === 'string') return oneLine(error.message);
  if (typeof error === 'string') return oneLine(error);
  if (typeof body.message === 'string') return oneLine(body.message);
  return undefined;
}

/** A single bounded line, so an HTML page or a long message cannot flood a status. */
export function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110).
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `retry` (0-based): the provider's Retry-After when
 * given, else exponential back-off with jitter; both capped at `maxDelayMs`.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, maxDelayMs);
  const exponential = baseDelayMs * 2 ** retry;
  // Up to +25 % jitter so parallel jobs that failed together do not retry together.
  return Math.min(Math.round(exponential * (1 + 0.25 * random())), maxDelayMs);
}
