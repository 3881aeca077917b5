/**
 * A local stand-in for the platform API. It records every request, answers
 * `PATCH /jobs/:id`, `POST /jobs`, `GET /datasets/:id` and `GET /lora-configs/:id`
 * like the real API, and can be told to fail (5xx), hang or go away.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  at: number;
  /** HTTP status the stand-in answered with. */
  status: number;
}

export interface StatusPatch {
  status: string;
  result?: Record<string, unknown>;
  costTok?: number;
}

export type ApiMode = 'ok' | 'error500' | 'hang';

export interface ApiStandIn {
  url: string;
  requests: RecordedRequest[];
  /** PATCH bodies the stand-in accepted for one job, in arrival order (500s left out). */
  patches(jobId: string): StatusPatch[];
  /** Job records created with POST /jobs. */
  createdJobs: Array<{ id: string; body: Record<string, unknown> }>;
  datasets: Map<string, unknown>;
  loraConfigs: Map<string, unknown>;
  setMode(mode: ApiMode): void;
  /** Called for each POST /jobs (e.g. to enqueue the job like the real API does). */
  onJobCreated?: (job: { id: string; body: Record<string, unknown> }) => Promise<void> | void;
  stop(): Promise<void>;
}

export async function startApiStandIn(): Promise<ApiStandIn> {
  const requests: RecordedRequest[] = [];
  const createdJobs: ApiStandIn['createdJobs'] = [];
  const datasets = new Map<string, unknown>();
  const loraConfigs = new Map<string, unknown>();
  const hanging = new Set<ServerResponse>();
  let mode: ApiMode = 'ok';

  const send = (res: ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, standIn: ApiStandIn): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (mode === 'hang') {
      hanging.add(res);
      return;
    }
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, body, at: Date.now(), status: 0 };
    requests.push(recorded);
    res.once('finish', () => { recorded.status = res.statusCode; });
    if (mode === 'error500') return send(res, 500, { message: 'internal error (stand-in)' });
    const [, resource, id] = path.split('/');
    if (req.method === 'PATCH' && resource === 'jobs' && id) return send(res, 200, { id: decodeURIComponent(id) });
    if (req.method === 'POST' && resource === 'jobs' && !id) {
      const job = { id: randomUUID(), body: body as Record<string, unknown> };
      createdJobs.push(job);
      await standIn.onJobCreated?.(job);
      return send(res, 201, { id: job.id, ...job.body });
    }
    const table = resource === 'datasets' ? datasets : resource === 'lora-configs' ? loraConfigs : undefined;
    if (req.method === 'GET' && table && id) {
      const record = table.get(decodeURIComponent(id));
      return record === undefined ? send(res, 404, { message: `${resource} ${id} not found` }) : send(res, 200, record);
    }
    send(res, 404, { message: `no route ${req.method ?? ''} ${path}` });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res, standIn).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const standIn: ApiStandIn = {
    url: `http://127.0.0.1:${port}`,
    requests,
    createdJobs,
    datasets,
    loraConfigs,
    patches: (jobId) =>
      requests
        .filter((r) => r.method === 'PATCH' && r.path === `/jobs/${encodeURIComponent(jobId)}` && r.status !== 500)
        .map((r) => r.body as StatusPatch),
    setMode: (next) => {
      mode = next;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}
