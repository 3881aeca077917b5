/** The ComfyUI section: where it is, who we are on its WebSocket, the workflow, and timing. */
import { randomBytes } from 'node:crypto';
import { str } from 'envalid';
import { cleanSection, ConfigError, httpUrl, nonNegativeInt, positiveInt, type RawEnv } from './env.js';
import { validateWorkflowGraph, type WorkflowGraph } from '../comfy/workflow.js';

export interface ComfyConfig {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8188`. */
  apiUrl: string;
  /**
   * `COMFYUI_CLIENT_ID` plus a per-process suffix: two sockets with the same id
   * steal each other's messages (comfyui-api.md §1.9).
   */
  clientId: string;
  /** The validated API-format graph from `COMFYUI_VIDEO_WORKFLOW_JSON`. */
  workflow: WorkflowGraph;
  /** Bound on every single HTTP request (downloads included). */
  timeoutMs: number;
  pollIntervalMs: number;
  maxPollAttempts: number;
  /** Overall wait for one prompt; default pollIntervalMs × maxPollAttempts. */
  waitTimeoutMs: number;
  /** Outage back-off while ComfyUI is unreachable: first delay and cap. */
  outageBackoffInitialMs: number;
  outageBackoffMaxMs: number;
  /** How many times a prompt that ComfyUI lost (restart) is resubmitted within one attempt. */
  maxResubmits: number;
}

const spec = {
  COMFYUI_API_URL: httpUrl({ default: 'http://127.0.0.1:8188', desc: 'ComfyUI base URL' }),
  COMFYUI_CLIENT_ID: str({ default: 'influencerai-worker', desc: 'WebSocket client id prefix' }),
  COMFYUI_VIDEO_WORKFLOW_JSON: str({ desc: 'API-format workflow graph (JSON) for video jobs' }),
  COMFYUI_TIMEOUT_MS: positiveInt({ default: 120_000, desc: 'bound on each HTTP request' }),
  COMFYUI_POLL_INTERVAL_MS: positiveInt({ default: 5000, desc: 'history poll interval' }),
  COMFYUI_MAX_POLL_ATTEMPTS: positiveInt({ default: 120, desc: 'polls before the wait gives up' }),
  COMFYUI_WAIT_TIMEOUT_MS: positiveInt({ default: undefined, desc: 'overall wait per prompt' }),
  COMFYUI_OUTAGE_BACKOFF_MS: positiveInt({ default: 1000, desc: 'first readiness re-probe delay' }),
  COMFYUI_OUTAGE_BACKOFF_MAX_MS: positiveInt({ default: 30_000, desc: 'readiness re-probe delay cap' }),
  COMFYUI_MAX_RESUBMITS: nonNegativeInt({ default: 2, desc: 'resubmissions of a lost prompt per attempt' }),
};

export function loadComfyConfig(env: RawEnv): ComfyConfig {
  const cleaned = cleanSection(env, spec);
  return {
    apiUrl: cleaned.COMFYUI_API_URL,
    clientId: `${cleaned.COMFYUI_CLIENT_ID}-${process.pid}-${randomBytes(4).toString('hex')}`,
    workflow: parseWorkflowVariable(cleaned.COMFYUI_VIDEO_WORKFLOW_JSON),
    timeoutMs: cleaned.COMFYUI_TIMEOUT_MS,
    pollIntervalMs: cleaned.COMFYUI_POLL_INTERVAL_MS,
    maxPollAttempts: cleaned.COMFYUI_MAX_POLL_ATTEMPTS,
    waitTimeoutMs:
      cleaned.COMFYUI_WAIT_TIMEOUT_MS ?? cleaned.COMFYUI_POLL_INTERVAL_MS * cleaned.COMFYUI_MAX_POLL_ATTEMPTS,
    outageBackoffInitialMs: cleaned.COMFYUI_OUTAGE_BACKOFF_MS,
    outageBackoffMaxMs: Math.max(cleaned.COMFYUI_OUTAGE_BACKOFF_MAX_MS, cleaned.COMFYUI_OUTAGE_BACKOFF_MS),
    maxResubmits: cleaned.COMFYUI_MAX_RESUBMITS,
  };
}

function parseWorkflowVariable(text: string): WorkflowGraph {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([
      { variable: 'COMFYUI_VIDEO_WORKFLOW_JSON', problem: `is not valid JSON (${(error as Error).message})` },
    ]);
  }
  const result = validateWorkflowGraph(parsed);
  if ('problem' in result) {
    throw new ConfigError([{ variable: 'COMFYUI_VIDEO_WORKFLOW_JSON', problem: result.problem }]);
  }
  return result.graph;
}
