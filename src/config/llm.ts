/**
 * The LLM section: an OpenAI-compatible chat-completions endpoint (OpenRouter by
 * default, any local OpenAI-compatible server otherwise).
 */
import { str } from 'envalid';
import { cleanSection, withAliases, httpUrl, nonNegativeInt, positiveInt, ConfigError } from './env.js';
import type { RawEnv } from './env.js';

export const OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';

/** Settings of the LLM client. `apiKey` is a secret: never log or echo it. */
export interface LlmConfig {
  /** Base URL without trailing slash; `/chat/completions` is appended. */
  baseUrl: string;
  /** Bearer token; undefined for local servers that need none. */
  apiKey: string | undefined;
  model: string;
  /** Bound of every single HTTP request to the provider. */
  timeoutMs: number;
  /** Extra attempts after the first for 429/5xx/network errors/timeouts. */
  maxRetries: number;
  /** Optional OpenRouter attribution headers (`HTTP-Referer`, `X-Title`). */
  httpReferer: string | undefined;
  appTitle: string | undefined;
}

const spec = {
  LLM_BASE_URL: httpUrl({ default: OPENROUTER_BASE_URL, desc: 'OpenAI-compatible API base URL' }),
  OPENROUTER_API_KEY: str({ default: undefined, desc: 'API key, sent as Bearer (alias LLM_API_KEY)' }),
  LLM_MODEL: str({ default: 'openrouter/auto', desc: 'model name' }),
  LLM_TIMEOUT_MS: positiveInt({ default: 60_000, desc: 'bound of one LLM HTTP request' }),
  LLM_MAX_RETRIES: nonNegativeInt({ default: 3, desc: 'retries for 429/5xx/network/timeouts' }),
  LLM_HTTP_REFERER: str({ default: undefined, desc: 'OpenRouter attribution: HTTP-Referer' }),
  LLM_APP_TITLE: str({ default: undefined, desc: 'OpenRouter attribution: X-Title' }),
};

/**
 * Loads the LLM section. A missing key is a start-up error only when the base
 * URL points at OpenRouter (which always requires one); local OpenAI-compatible
 * servers (llama.cpp, vLLM, Ollama) usually need none, so there it is optional.
 */
export function loadLlmConfig(env: RawEnv): LlmConfig {
  const cleaned = cleanSection(withAliases(env, { OPENROUTER_API_KEY: ['LLM_API_KEY'] }), spec);
  const apiKey = cleaned.OPENROUTER_API_KEY?.trim() || undefined;
  if (apiKey === undefined && isOpenRouter(cleaned.LLM_BASE_URL)) {
    throw new ConfigError([
      {
        variable: 'OPENROUTER_API_KEY',
        problem: `is required when LLM_BASE_URL is OpenRouter (${cleaned.LLM_BASE_URL}); LLM_API_KEY is accepted too`,
      },
    ]);
  }
  return {
    baseUrl: cleaned.LLM_BASE_URL,
    apiKey,
    model: cleaned.LLM_MODEL,
    timeoutMs: cleaned.LLM_TIMEOUT_MS,
    maxRetries: cleaned.LLM_MAX_RETRIES,
    httpReferer: cleaned.LLM_HTTP_REFERER,
    appTitle: cleaned.LLM_APP_TITLE,
  };
}

function isOpenRouter(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === 'openrouter.ai' || host.endsWith('.openrouter.ai');
  } catch {
    return false;
  }
}
