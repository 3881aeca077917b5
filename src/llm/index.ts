/**
 * The LLM module's public surface, plus the one mapping from the config section
 * to client options (so composition roots do not repeat the header rules).
 */
import type { LlmConfig } from '../config/llm.js';
import type { LlmClientOptions } from './client.js';

export { createLlmClient } from './client.js';
export type { ChatMessage, CompletionRequest, CompletionResult, LlmClient, LlmClientOptions, LlmUsage } from './client.js';
export { buildCaptionPrompt, buildScriptPrompt, renderPersona, type Persona } from './prompts.js';

/**
 * Client options from the config section. OpenRouter's optional attribution
 * headers are added only when configured. Add `fetch`, `sleep` or `logger` on top.
 */
export function llmClientOptions(config: LlmConfig): LlmClientOptions {
  const headers: Record<string, string> = {};
  if (config.httpReferer) headers['HTTP-Referer'] = config.httpReferer;
  if (config.appTitle) headers['X-Title'] = config.appTitle;
  return {
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    model: config.model,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    headers,
  };
}
