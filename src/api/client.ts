/**
 * The platform API as the worker uses it: job status updates, follow-up jobs,
 * and the dataset / LoRA config records that training jobs refer to.
 */
import { UnrecoverableJobError, isPlainObject } from '../errors/job-errors.js';
import { fetchJson, type FetchLike } from '../http/fetch-json.js';

/** Body of `PATCH /jobs/:id`. */
export interface JobStatusUpdate {
  status: 'running' | 'succeeded' | 'failed';
  result?: Record<string, unknown>;
  costTok?: number;
}

export interface CreateJobRequest {
  type: string;
  payload: Record<string, unknown>;
  priority?: number;
}

export interface ApiClient {
  patchJob(jobId: string, update: JobStatusUpdate, signal?: AbortSignal): Promise<void>;
  createJob(request: CreateJobRequest, signal?: AbortSignal): Promise<{ id: string }>;
  getDataset(id: string, signal?: AbortSignal): Promise<{ id: string; path: string; meta?: unknown }>;
  getLoraConfig(id: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
}

export interface ApiClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const call = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, signal?: AbortSignal) =>
    fetchJson(
      { method, url: `${options.baseUrl}${path}`, body, timeoutMs, signal, service: 'platform API', codePrefix: 'API' },
      options.fetch,
    );
  const record = (body: unknown, what: string): Record<string, unknown> => {
    if (!isPlainObject(body)) {
      throw new UnrecoverableJobError('API_BAD_RESPONSE', `platform API returned no JSON object for ${what}`);
    }
    return body;
  };

  return {
    async patchJob(jobId, update, signal) {
      await call('PATCH', `/jobs/${encodeURIComponent(jobId)}`, update, signal);
    },
    async createJob(request, signal) {
      const body = record((await call('POST', '/jobs', request, signal)).body, 'POST /jobs');
      const id = body.id ?? body.jobId;
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw new UnrecoverableJobError('API_BAD_RESPONSE', 'platform API returned no id for POST /jobs');
      }
      return { id: String(id) };
    },
    async getDataset(id, signal) {
      const body = record((await call('GET', `/datasets/${encodeURIComponent(id)}`, undefined, signal)).body, `dataset ${id}`);
      if (typeof body.path !== 'string' || body.path.length === 0) {
        throw new UnrecoverableJobError('API_BAD_RESPONSE', `dataset ${id} has no path`);
      }
      const recordId = typeof body.id === 'string' || typeof body.id === 'number' ? String(body.id) : id;
      return { id: recordId, path: body.path, meta: body.meta };
    },
    async getLoraConfig(id, signal) {
      return record((await call('GET', `/lora-configs/${encodeURIComponent(id)}`, undefined, signal)).body, `LoRA config ${id}`);
    },
  };
}
