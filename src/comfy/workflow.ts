/**
 * ComfyUI API-format workflows: validation of the configured graph and the
 * per-job rendering (placeholder substitution, unique `filename_prefix`).
 * Pure functions; nothing here touches the network.
 */
import { isPlainObject } from '../errors/job-errors.js';

/** One node of an API-format graph: `{class_type, inputs, _meta?}`. */
export interface WorkflowNode {
  class_type: string;
  inputs: Record<string, unknown>;
  [extra: string]: unknown;
}

/** An API-format graph: node id → node. ComfyUI treats every top-level key as a node. */
export type WorkflowGraph = Record<string, WorkflowNode>;

/** Values a job substitutes into the graph's `{{name}}` placeholders. */
export interface WorkflowValues {
  caption: string;
  script: string;
  persona: string;
  context: string;
  durationSec: number;
  jobId: string;
  seed: number;
}

/** Placeholders that become numbers when an input is exactly `{{name}}`. */
const NUMERIC = new Set(['durationSec', 'seed']);
const PLACEHOLDER = /\{\{(caption|script|persona|context|durationSec|jobId|seed)\}\}/g;
const EXACT = /^\{\{(caption|script|persona|context|durationSec|jobId|seed)\}\}$/;

/**
 * Checks that a parsed value is an API-format graph. Returns the problem as a
 * sentence (for a ConfigError naming the variable) instead of throwing.
 */
export function validateWorkflowGraph(value: unknown): { graph: WorkflowGraph } | { problem: string } {
  if (!isPlainObject(value)) return { problem: 'must be a JSON object of nodes (API format)' };
  const ids = Object.keys(value);
  if (ids.length === 0) return { problem: 'must contain at least one node' };
  for (const id of ids) {
    const node = value[id];
    if (!isPlainObject(node) || typeof node.class_type !== 'string' || node.class_type === '') {
      return { problem: `node "${id}" has no class_type (is this the UI format instead of the API format?)` };
    }
    if (node.inputs !== undefined && !isPlainObject(node.inputs)) {
      return { problem: `node "${id}" has inputs that are not an object` };
    }
  }
  const graph: WorkflowGraph = {};
  for (const [id, node] of Object.entries(value as Record<string, Record<string, unknown>>)) {
    graph[id] = { ...node, class_type: node.class_type as string, inputs: (node.inputs as Record<string, unknown>) ?? {} };
  }
  return { graph };
}

/**
 * A deep copy of `graph` with job values substituted and every `filename_prefix`
 * made unique to the job, so ComfyUI's cache can never return an older job's file.
 */
export function renderWorkflow(graph: WorkflowGraph, values: WorkflowValues): WorkflowGraph {
  const rendered: WorkflowGraph = {};
  const tag = safePathPart(values.jobId);
  for (const [id, node] of Object.entries(graph)) {
    const inputs: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(node.inputs)) {
      const value = substitute(input, values);
      inputs[name] = name === 'filename_prefix' && typeof value === 'string' ? uniquePrefix(value, tag) : value;
    }
    rendered[id] = { ...structuredClone(node), inputs };
  }
  return rendered;
}

function substitute(value: unknown, values: WorkflowValues): unknown {
  if (typeof value === 'string') {
    const exact = EXACT.exec(value);
    if (exact && NUMERIC.has(exact[1] as string)) return values[exact[1] as 'durationSec' | 'seed'];
    return value.replace(PLACEHOLDER, (_match, key: keyof WorkflowValues) => String(values[key]));
  }
  // Links are [nodeId, index] arrays; recursing is harmless because node ids hold no placeholders.
  if (Array.isArray(value)) return value.map((item) => substitute(item, values));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  }
  return value;
}

/**
 * `video/ComfyUI` → `video/<job>_ComfyUI`: ComfyUI takes the subfolder from the
 * prefix's directory, so the directory stays and the file name carries the job.
 */
export function uniquePrefix(prefix: string, tag: string): string {
  if (prefix.includes(tag)) return prefix;
  const slash = prefix.lastIndexOf('/');
  const dir = slash === -1 ? '' : prefix.slice(0, slash + 1);
  const base = slash === -1 ? prefix : prefix.slice(slash + 1);
  return `${dir}${tag}_${base || 'video'}`;
}

/** Job ids become part of file names on the ComfyUI host: keep them path-safe. */
export function safePathPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80) || 'job';
}

/** A stable 32-bit seed per job, so a resubmission of the same job renders the same graph. */
export function seedFromJobId(jobId: string): number {
  let hash = 2166136261;
  for (let i = 0; i < jobId.length; i += 1) {
    hash ^= jobId.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}
