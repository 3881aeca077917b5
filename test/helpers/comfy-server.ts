/**
 * A local ComfyUI test double on 127.0.0.1 (HTTP + WebSocket) answering in the
 * exact shapes of shared/comfyui-api.md. It records every request, serves a
 * real video file from `/view`, and can be told to fail, hang, refuse the
 * socket, go down (stop listening, then re-listen on the same port) or restart
 * (forget queue and history). Exported for the end-to-end tests and demos.
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ComfyEngine, defaultBehaviour, type ComfyBehaviour } from './comfy-engine.js';

export { defaultBehaviour, type ComfyBehaviour } from './comfy-engine.js';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  at: number;
}

export interface ComfyTestServerOptions {
  /** The file served for every video the double "renders". */
  videoPath: string;
  behaviour?: Partial<ComfyBehaviour>;
}

export class ComfyTestServer {
  behaviour: ComfyBehaviour;
  /** When set, `/view` serves this file instead of the configured video (bad-output tests). */
  viewPath: string | undefined;
  readonly requests: RecordedRequest[] = [];
  readonly engine: ComfyEngine;
  private server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Map<string, WebSocket>();
  private readonly connections = new Set<Socket>();
  private port = 0;

  private constructor(private readonly options: ComfyTestServerOptions) {
    this.behaviour = { ...defaultBehaviour, ...options.behaviour };
    this.engine = new ComfyEngine(() => this.behaviour, (clientId, message) => this.send(clientId, message));
    this.server = this.createHttpServer();
  }

  static async start(options: ComfyTestServerOptions): Promise<ComfyTestServer> {
    const double = new ComfyTestServer(options);
    await double.listen();
    return double;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** How many requests matched, e.g. `count('POST', '/prompt')`. */
  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  /** Stops listening and drops every connection; state survives (a network outage). */
  async goDown(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy();
    await closed;
  }

  /** Listens again on the same port. */
  async comeUp(): Promise<void> {
    this.server = this.createHttpServer();
    await this.listen();
  }

  /** Forgets queue and history and drops sockets, as a ComfyUI restart does. */
  restart(): void {
    this.engine.reset();
    for (const socket of this.wss.clients) socket.terminate();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.engine.stop();
    if (this.server.listening) await this.goDown();
    this.wss.close();
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private createHttpServer(): Server {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    server.on('connection', (socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (this.behaviour.refuseWebSocket || !['/ws', '/api/ws'].includes(url.pathname)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const clientId = url.searchParams.get('clientId') ?? Math.random().toString(16).slice(2);
        // A second socket with the same id replaces the first in ComfyUI's map.
        this.sockets.set(clientId, ws);
        ws.once('close', () => {
          if (this.sockets.get(clientId) === ws) this.sockets.delete(clientId);
        });
        const remaining = this.engine.pending.length + (this.engine.running ? 1 : 0);
        ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: remaining } }, sid: clientId } }));
      });
    });
    return server;
  }

  private send(clientId: string | undefined, message: { type: string; data: Record<string, unknown> }): void {
    const text = JSON.stringify(message);
    if (clientId === undefined) {
      for (const ws of this.sockets.values()) ws.send(text);
      return;
    }
    this.sockets.get(clientId)?.send(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/api(?=\/)/, '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      this.requests.push({ method: req.method ?? '', path, body: raw, at: Date.now() });
      res.writeHead(500).end('500 Internal Server Error');
      return;
    }
    this.requests.push({ method: req.method ?? '', path, body, at: Date.now() });
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const route = `${req.method ?? ''} ${path}`;
    if (route === 'GET /system_stats') return json(200, systemStats());
    if (route === 'POST /prompt') return this.postPrompt(body, json);
    if (route === 'GET /queue') {
      const item = (i: { number: number; promptId: string; graph: unknown; extra: unknown; outputs: unknown }) =>
        [i.number, i.promptId, i.graph, i.extra, i.outputs];
      return json(200, { queue_running: this.engine.running ? [item(this.engine.running.item)] : [], queue_pending: this.engine.pending.map(item) });
    }
    if (route === 'POST /queue') {
      const ids = (body as { delete?: unknown } | undefined)?.delete;
      if (Array.isArray(ids)) this.engine.pending = this.engine.pending.filter((i) => !ids.includes(i.promptId));
      res.writeHead(200).end();
      return;
    }
    if (route === 'POST /interrupt') {
      const id = (body as { prompt_id?: unknown } | undefined)?.prompt_id;
      this.engine.interrupt(typeof id === 'string' ? id : undefined);
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET' && path.startsWith('/history/')) {
      const id = decodeURIComponent(path.slice('/history/'.length));
      const entry = this.engine.history.get(id);
      return json(200, entry ? { [id]: entry } : {});
    }
    if (route === 'GET /view') return this.view(url, res);
    res.writeHead(404).end('404: Not Found');
  }

  private postPrompt(body: unknown, json: (status: number, value: unknown) => void): void {
    const request = (body ?? {}) as { prompt?: unknown; client_id?: string; prompt_id?: string };
    if (request.prompt === undefined) {
      return json(400, { error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {} });
    }
    if (this.behaviour.reject) return json(400, rejection(this.behaviour.reject));
    const graph = request.prompt as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    const promptId = request.prompt_id ?? crypto.randomUUID();
    const outputs = Object.keys(graph).filter((id) => typeof graph[id]?.inputs.filename_prefix === 'string');
    const extra = request.client_id !== undefined ? { client_id: request.client_id } : {};
    const item = this.engine.enqueue({ promptId, graph, extra, outputs });
    json(200, { prompt_id: promptId, number: item.number, node_errors: {} });
  }

  private view(url: URL, res: ServerResponse): void {
    const filename = url.searchParams.get('filename') ?? '';
    const subfolder = url.searchParams.get('subfolder') ?? '';
    const type = url.searchParams.get('type') ?? 'output';
    if (!filename || filename.startsWith('/') || filename.includes('..') || !['output', 'input', 'temp'].includes(type)) {
      res.writeHead(400).end();
      return;
    }
    if (!this.engine.files.has(`${subfolder}/${filename}`)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': filename.endsWith('.png') ? 'image/png' : 'video/mp4' });
    createReadStream(this.viewPath ?? this.options.videoPath).pipe(res);
  }
}

function systemStats(): Record<string, unknown> {
  return {
    system: { os: 'posix', ram_total: 1, ram_free: 1, comfyui_version: '0.3.65', python_version: '3.12', pytorch_version: '2.8', embedded_python: false, argv: ['main.py', '--cpu'] },
    devices: [{ name: 'cpu', type: 'cpu', index: null, vram_total: 0, vram_free: 0, torch_vram_total: 0, torch_vram_free: 0 }],
  };
}

function rejection(type: 'invalid_prompt' | 'prompt_outputs_failed_validation'): Record<string, unknown> {
  if (type === 'invalid_prompt') {
    return { error: { type, message: 'Cannot execute because node NoSuchNode does not exist.', details: "Node ID '#1'", extra_info: {} }, node_errors: {} };
  }
  const error = { type: 'required_input_missing', message: 'Required input is missing', details: 'video', extra_info: { input_name: 'video' } };
  return {
    error: { type, message: 'Prompt outputs failed validation', details: 'Required input is missing: video', extra_info: {} },
    node_errors: { '5': { errors: [error], dependent_outputs: ['5'], class_type: 'SaveVideo' } },
  };
}
