/**
 * Pure parsers for `GET /history/{id}` and `GET /queue` (shapes in
 * shared/comfyui-api.md §1.3 and §1.6). They accept `unknown` and never throw
 * on unexpected shapes: a missing field reads as "not there".
 */
import { isPlainObject } from '../errors/job-errors.js';

/** One finished prompt as `/history/{id}` reports it. */
export interface HistoryEntry {
  promptId: string;
  /** node id → UI dict whose values are lists (`images`, `animated`, `gifs`, ...). */
  outputs: Record<string, Record<string, unknown>>;
  statusStr: string | undefined;
  completed: boolean | undefined;
  /** `status.messages`: `[event_name, data]` pairs. */
  messages: Array<[string, Record<string, unknown>]>;
}

/** How a finished prompt ended. */
export type PromptOutcome =
  | { kind: 'success' }
  | { kind: 'error'; nodeId: string | undefined; nodeType: string | undefined; exceptionType: string | undefined; exceptionMessage: string | undefined }
  | { kind: 'interrupted'; nodeId: string | undefined; nodeType: string | undefined };

/** `{}` (pending, running or unknown) → undefined; `{id: entry}` → the entry. */
export function parseHistory(body: unknown, promptId: string): HistoryEntry | undefined {
  if (!isPlainObject(body)) return undefined;
  const raw = body[promptId];
  if (!isPlainObject(raw)) return undefined;
  const status = isPlainObject(raw.status) ? raw.status : {};
  const outputs: HistoryEntry['outputs'] = {};
  if (isPlainObject(raw.outputs)) {
    for (const [nodeId, ui] of Object.entries(raw.outputs)) if (isPlainObject(ui)) outputs[nodeId] = ui;
  }
  const messages: HistoryEntry['messages'] = [];
  if (Array.isArray(status.messages)) {
    for (const message of status.messages as unknown[]) {
      if (Array.isArray(message) && typeof message[0] === 'string') {
        messages.push([message[0], isPlainObject(message[1]) ? message[1] : {}]);
      }
    }
  }
  return {
    promptId,
    outputs,
    statusStr: typeof status.status_str === 'string' ? status.status_str : undefined,
    completed: typeof status.completed === 'boolean' ? status.completed : undefined,
    messages,
  };
}

/**
 * An interrupt also ends with `status_str: "error"`, so the message name decides.
 * Entries without a status (ComfyUI before 2024-01) count as success.
 */
export function promptOutcome(entry: HistoryEntry): PromptOutcome {
  const interrupted = entry.messages.find(([name]) => name === 'execution_interrupted');
  if (interrupted) {
    const data = interrupted[1];
    return { kind: 'interrupted', nodeId: str(data.node_id), nodeType: str(data.node_type) };
  }
  const failed = entry.messages.find(([name]) => name === 'execution_error');
  if (entry.statusStr === 'error' || failed) {
    const data = failed?.[1] ?? {};
    return {
      kind: 'error',
      nodeId: str(data.node_id),
      nodeType: str(data.node_type),
      exceptionType: str(data.exception_type),
      exceptionMessage: str(data.exception_message),
    };
  }
  return { kind: 'success' };
}

/** Prompt ids in `/queue`, running and pending (items are `[number, id, graph, extra, outputs]`). */
export function parseQueue(body: unknown): { running: string[]; pending: string[] } {
  const ids = (list: unknown): string[] =>
    Array.isArray(list)
      ? list.flatMap((item: unknown) => (Array.isArray(item) && typeof item[1] === 'string' ? [item[1]] : []))
      : [];
  if (!isPlainObject(body)) return { running: [], pending: [] };
  return { running: ids(body.queue_running), pending: ids(body.queue_pending) };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
