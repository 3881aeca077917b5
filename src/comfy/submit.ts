/**
 * `POST /prompt`. A 400 is ComfyUI refusing the workflow: its body (error +
 * node_errors) is what the job's failure must carry, so fetchJson hands it back
 * instead of throwing. Everything else is classified by fetchJson, so the outage
 * detector sees the usual codes (`COMFY_UNREACHABLE`, `COMFY_HTTP_503`).
 */
import { RetryableJobError, UnrecoverableJobError, isPlainObject } from '../errors/job-errors.js';
import { describeBody, fetchJson, type FetchLike } from '../http/fetch-json.js';
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
  const { status, body } = await fetchJson(
    {
      method: 'POST',
      url: options.url,
      body: options.payload,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      service: 'ComfyUI',
      codePrefix: 'COMFY',
      passStatuses: [400],
    },
    options.fetchImpl,
  );
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
  // ComfyUI before 0.3.45 ignores prompt_id and picks its own: always use the answer.
  if (!isPlainObject(body) || typeof body.prompt_id !== 'string') {
    throw new RetryableJobError('COMFY_BAD_RESPONSE', `ComfyUI accepted the prompt without a prompt_id: ${describeBody(body)}`);
  }
  return { promptId: body.prompt_id, number: typeof body.number === 'number' ? body.number : undefined };
}
