/**
 * `POST /prompt`, done by hand rather than through fetchJson because the 400
 * body (error + node_errors) is what the job's failure must carry. Other
 * statuses and network errors are classified exactly like fetchJson does, so
 * the outage detector sees the same codes (`COMFY_UNREACHABLE`, `COMFY_HTTP_503`).
 */
import { RetryableJobError, UnrecoverableJobError, isPlainObject } from '../errors/job-errors.js';
import { describeBody, isRetryableStatus, type FetchLike } from '../http/fetch-json.js';
import { abortReason, linkedSignal } from '../util/abort.js';
import { describePromptRejection, parsePromptRejection } from './prompt-errors.js';

export interface PostPromptOptions {
  url: string;
  payload: Record<string, unknown>;
  timeoutMs: number;
  signal?: AbortSignal;
  fetchImpl: FetchLike;
}

/** Resolves with ComfyUI's 200 body; throws classified errors otherwise. */
export async function postPrompt(options: PostPromptOptions): Promise<{ promptId: string; number: number | undefined }> {
  const bounded = linkedSignal([options.signal], options.timeoutMs, `ComfyUI did not answer POST /prompt within ${options.timeoutMs} ms`);
  let status: number;
  let body: unknown;
  try {
    const response = await options.fetchImpl(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(options.payload),
      signal: bounded.signal,
    });
    status = response.status;
    const text = await response.text();
    body = parseJson(text);
  } catch (error) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    if (bounded.signal.aborted) {
      throw new RetryableJobError('COMFY_TIMEOUT', abortReason(bounded.signal).message, { service: 'ComfyUI' });
    }
    const cause = error as { code?: string; message?: string };
    throw new RetryableJobError('COMFY_UNREACHABLE', `ComfyUI unreachable (POST /prompt): ${cause.code ?? cause.message ?? 'network error'}`, {
      service: 'ComfyUI',
      errno: cause.code,
    });
  } finally {
    bounded.dispose();
  }

  if (status === 400) {
    const rejection = parsePromptRejection(body);
    const nodeErrors = isPlainObject(body) && isPlainObject(body.node_errors) ? body.node_errors : {};
    throw new UnrecoverableJobError('COMFY_INVALID_PROMPT', `ComfyUI rejected the workflow: ${describePromptRejection(rejection)}`, {
      status,
      errorType: rejection.type,
      nodeIds: rejection.nodes.map((node) => node.nodeId),
      nodeErrors,
    });
  }
  if (status < 200 || status >= 300) {
    const message = `ComfyUI answered ${status} to POST /prompt: ${describeBody(body)}`;
    const details = { status, service: 'ComfyUI' };
    if (isRetryableStatus(status)) throw new RetryableJobError(`COMFY_HTTP_${status}`, message, details);
    throw new UnrecoverableJobError(`COMFY_HTTP_${status}`, message, details);
  }
  // ComfyUI before 0.3.45 ignores prompt_id and picks its own: always use the answer.
  if (!isPlainObject(body) || typeof body.prompt_id !== 'string') {
    throw new RetryableJobError('COMFY_BAD_RESPONSE', `ComfyUI accepted the prompt without a prompt_id: ${describeBody(body)}`);
  }
  return { promptId: body.prompt_id, number: typeof body.number === 'number' ? body.number : undefined };
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
