/**
 * A local OpenAI-compatible chat-completions server for tests and demos. It
 * records every request and answers from a per-test script of replies; when the
 * script is used up it answers with the fallback (a normal completion unless
 * set otherwise). Listens on 127.0.0.1, port 0; `stop()` also ends hung requests.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export type LlmReply =
  | { kind: 'completion'; content: string; usage?: { prompt: number; completion: number } }
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status: number; contentType: string; text: string }
  | { kind: 'hang' };

/** Builders for the replies a test scripts, in the shapes real providers send. */
export const reply = {
  completion: (content: string, usage = { prompt: 20, completion: 10 }): LlmReply => ({ kind: 'completion', content, usage }),
  /** OpenAI/OpenRouter-shaped completion whose content is empty. */
  empty: (): LlmReply => ({ kind: 'completion', content: '', usage: { prompt: 20, completion: 0 } }),
  rateLimited: (retryAfter: string): LlmReply => ({
    kind: 'status',
    status: 429,
    body: { error: { message: 'Rate limit exceeded: free-models-per-min', code: 429 } },
    headers: { 'retry-after': retryAfter },
  }),
  serverError: (status = 500): LlmReply => ({ kind: 'status', status, body: { error: { message: 'Internal Server Error', code: status } } }),
  /** OpenRouter's answer to a bad key. */
  unauthorized: (message = 'No auth credentials found'): LlmReply => ({ kind: 'status', status: 401, body: { error: { message, code: 401 } } }),
  status: (status: number, message: string): LlmReply => ({ kind: 'status', status, body: { error: { message, code: status } } }),
  /** A proxy's HTML error page, sent with 200. */
  html: (): LlmReply => ({ kind: 'raw', status: 200, contentType: 'text/html', text: '<!DOCTYPE html><html><body><h1>Bad gateway</h1></body></html>' }),
  hang: (): LlmReply => ({ kind: 'hang' }),
};

export interface LlmTestServerOptions {
  /** Path prefix of the API, e.g. `/api/v1` (default). */
  prefix?: string;
  model?: string;
  fallback?: LlmReply;
}

export class LlmTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: LlmReply[] = [];
  private readonly server: Server;
  private readonly prefix: string;
  private readonly model: string;
  private readonly fallback: LlmReply;
  private port = 0;
  private served = 0;

  constructor(options: LlmTestServerOptions = {}) {
    this.prefix = options.prefix ?? '/api/v1';
    this.model = options.model ?? 'test/model';
    this.fallback = options.fallback ?? reply.completion('A generated text.');
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // keep the raw text
        }
        this.requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
        this.answer(request.url ?? '', response);
      });
    });
  }

  /** Starts listening; resolves with the base URL (`http://127.0.0.1:<port>/api/v1`). */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}${this.prefix}`;
  }

  /** Appends replies to the script; each request consumes one. */
  script(...replies: LlmReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Forgets recorded requests and unused replies (between tests sharing a server). */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  /** Closes the server and every open connection, hung ones included. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(path: string, response: ServerResponse): void {
    if (path !== `${this.prefix}/chat/completions`) {
      sendJson(response, 404, { error: { message: `no route ${path}`, code: 404 } });
      return;
    }
    const next = this.queue.shift() ?? this.fallback;
    this.served += 1;
    switch (next.kind) {
      case 'hang':
        return; // never answers; stop() closes the socket
      case 'raw':
        response.writeHead(next.status, { 'content-type': next.contentType });
        response.end(next.text);
        return;
      case 'status':
        sendJson(response, next.status, next.body, next.headers);
        return;
      case 'completion': {
        const usage = next.usage ?? { prompt: 0, completion: 0 };
        sendJson(response, 200, {
          id: `gen-${this.served}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: this.model,
          choices: [{ index: 0, message: { role: 'assistant', content: next.content }, finish_reason: 'stop' }],
          usage: {
            prompt_tokens: usage.prompt,
            completion_tokens: usage.completion,
            total_tokens: usage.prompt + usage.completion,
          },
        });
      }
    }
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Creates and starts a server in one call. */
export async function startLlmTestServer(options?: LlmTestServerOptions): Promise<LlmTestServer> {
  const server = new LlmTestServer(options);
  await server.start();
  return server;
}
