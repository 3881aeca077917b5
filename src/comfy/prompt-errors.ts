/**
 * Turns ComfyUI's 400 answer to `POST /prompt` into one readable sentence:
 * its `error.message` plus each failing node id with its class and the input
 * each error names (comfyui-api.md §1.2). Values received are left out of the
 * message because they may be prompt text; they stay in `details`.
 */
import { isPlainObject } from '../errors/job-errors.js';

export interface NodeErrorSummary {
  nodeId: string;
  classType: string | undefined;
  errors: Array<{ type: string | undefined; message: string | undefined; details: string | undefined; input: string | undefined }>;
}

export interface PromptRejection {
  type: string | undefined;
  message: string;
  nodes: NodeErrorSummary[];
}

export function parsePromptRejection(body: unknown): PromptRejection {
  const error = isPlainObject(body) && isPlainObject(body.error) ? body.error : {};
  const nodeErrors = isPlainObject(body) && isPlainObject(body.node_errors) ? body.node_errors : {};
  const nodes: NodeErrorSummary[] = Object.entries(nodeErrors).map(([nodeId, raw]) => {
    const node = isPlainObject(raw) ? raw : {};
    const errors = Array.isArray(node.errors) ? (node.errors as unknown[]) : [];
    return {
      nodeId,
      classType: text(node.class_type),
      errors: errors.filter(isPlainObject).map((item) => ({
        type: text(item.type),
        message: text(item.message),
        details: text(item.details),
        input: isPlainObject(item.extra_info) ? text(item.extra_info.input_name) : undefined,
      })),
    };
  });
  const message = text(error.message);
  const details = text(error.details);
  const base = message && details ? `${message} (${details})` : (message ?? details ?? '');
  return {
    type: text(error.type),
    message: base || (typeof body === 'string' ? body.slice(0, 200) : 'no error message'),
    nodes,
  };
}

/** `invalid_prompt: Prompt outputs failed validation; node 5 (SaveVideo): required_input_missing video: ...`. */
export function describePromptRejection(rejection: PromptRejection): string {
  const nodes = rejection.nodes.map((node) => {
    const errors = node.errors
      .map((e) => [e.type, e.input ?? e.details, e.message].filter(Boolean).join(' '))
      .join(', ');
    return `node ${node.nodeId}${node.classType ? ` (${node.classType})` : ''}: ${errors || 'invalid'}`;
  });
  const head = `${rejection.type ?? 'rejected'}: ${rejection.message}`;
  return nodes.length > 0 ? `${head}; ${nodes.join('; ')}` : head;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
