/**
 * A real S3-compatible server (s3rver) on 127.0.0.1, a random port and a fresh
 * temp dir, for tests that upload and download over real HTTP. s3rver accepts
 * the access key `S3RVER` (it does not verify SigV4 signatures, so any secret works).
 *
 * One shim: minio's putObject lists incomplete multipart uploads (`GET
 * /<bucket>?uploads`) before a multipart upload, which s3rver answers with
 * NotImplemented. The helper answers that call with an empty list, so uploads
 * larger than one part work as they do against MinIO; everything else is s3rver.
 */
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

interface S3rverInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  logger: { close(): void; exceptions: { unhandle(): void } };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver ships CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

export interface S3TestServer {
  /** e.g. `http://127.0.0.1:41234` */
  endpoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  /** Where s3rver keeps its files (removed by stop). */
  directory: string;
  /** Requests seen, as `METHOD /path?query`, for tests that assert on traffic. */
  requests: string[];
  /** Stops listening and drops connections; stored objects survive (an outage). */
  goDown(): Promise<void>;
  /** Listens again on the same port after goDown. */
  comeUp(): Promise<void>;
  stop(): Promise<void>;
}

function isListMultipartUploads(req: IncomingMessage): string | undefined {
  const url = new URL(req.url ?? '/', 'http://s3');
  const bucket = /^\/([^/]+)\/?$/.exec(url.pathname)?.[1];
  return req.method === 'GET' && bucket !== undefined && url.searchParams.has('uploads') ? bucket : undefined;
}

function emptyUploadList(bucket: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Bucket>${bucket}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
    '<NextKeyMarker></NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker>' +
    '<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>'
  );
}

export async function startS3Server(): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const s3rver = new S3rver({ silent: true, directory });
  const handle = s3rver.callback();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    const bucket = isListMultipartUploads(req);
    if (bucket === undefined) {
      handle(req, res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml' }).end(emptyUploadList(bucket));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  const closeServer = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      // Clients keep sockets alive; do not let them hold the close open.
      server.closeAllConnections();
    });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    directory,
    requests,
    goDown: closeServer,
    comeUp: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await closeServer();
        s3rver.logger.exceptions.unhandle();
        s3rver.logger.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}
