import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createObjectStore } from '../../src/storage/minio-store.js';
import { classifyStorageError } from '../../src/storage/storage-errors.js';
import { loadS3Config } from '../../src/config/s3.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

async function download(url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

void describe('minio object store against s3rver', () => {
  let server: S3TestServer;
  let dir: string;

  before(async () => {
    server = await startS3Server();
    dir = await mkdtemp(join(tmpdir(), 'store-'));
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const storeFor = (bucket: string, extra: Record<string, string> = {}) =>
    createObjectStore(
      loadS3Config({ S3_ENDPOINT: server.endpoint, S3_KEY: server.accessKey, S3_SECRET: server.secretKey, S3_BUCKET: bucket, ...extra }),
    );

  void test('ensureBucket creates a missing bucket and is safe to call again, also concurrently', async () => {
    const store = storeFor('fresh-bucket');
    const before = await fetch(`${server.endpoint}/fresh-bucket`);
    assert.equal(before.status, 404);
    await Promise.all([store.ensureBucket(), store.ensureBucket()]);
    await store.ensureBucket();
    const listing = await fetch(`${server.endpoint}/fresh-bucket`);
    assert.equal(listing.status, 200);
  });

  void test('a file uploads as a stream and its presigned URL serves the same bytes with the content type', async () => {
    const store = storeFor('assets');
    await store.ensureBucket();
    const path = join(dir, 'final.mp4');
    const bytes = randomBytes(3 * 1024 * 1024 + 17); // several chunks, odd size
    await writeFile(path, bytes);
    const stored = await store.uploadFile('video-generation/job-1/final.mp4', path, 'video/mp4');
    assert.deepEqual(stored, { key: 'video-generation/job-1/final.mp4', sizeBytes: bytes.length });
    const url = await store.presignGet(stored.key);
    assert.ok(url.startsWith(`${server.endpoint}/assets/video-generation/job-1/final.mp4?`), url);
    assert.match(url, /X-Amz-Expires=604800/);
    const fetched = await download(url);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.type, 'video/mp4');
    assert.ok(fetched.body.equals(bytes), 'downloaded bytes differ from the uploaded file');
  });

  void test('a file larger than one upload part goes up in parts and comes back byte for byte', async () => {
    const store = storeFor('assets');
    const path = join(dir, 'big.bin');
    const bytes = randomBytes(12 * 1024 * 1024 + 5);
    await writeFile(path, bytes);
    const stored = await store.uploadFile('video-generation/job-big/final.mp4', path, 'video/mp4');
    assert.equal(stored.sizeBytes, bytes.length);
    const parts = server.requests.filter((r) => r.startsWith('PUT /assets/video-generation/job-big/final.mp4?') && r.includes('partNumber='));
    assert.equal(parts.length, 3, 'a 12 MiB file goes up as three 5 MiB-bounded parts, never one buffer');
    const fetched = await download(await store.presignGet(stored.key));
    assert.ok(fetched.body.equals(bytes), 'multipart upload reassembled different bytes');
  });

  void test('a .safetensors file keeps application/octet-stream', async () => {
    const store = storeFor('assets');
    const path = join(dir, 'lora.safetensors');
    await writeFile(path, randomBytes(1024));
    await store.uploadFile('lora-training/job-2/lora.safetensors', path, 'application/octet-stream');
    const fetched = await download(await store.presignGet('lora-training/job-2/lora.safetensors'));
    assert.equal(fetched.type, 'application/octet-stream');
    assert.ok(fetched.body.equals(await readFile(path)));
  });

  void test('uploadText stores UTF-8 text that the presigned URL returns unchanged', async () => {
    const store = storeFor('assets');
    const text = 'caption: café ☕ — línea 2\n';
    const stored = await store.uploadText('content-generation/job-3/caption.txt', text);
    assert.equal(stored.sizeBytes, Buffer.byteLength(text));
    const fetched = await download(await store.presignGet(stored.key));
    assert.equal(fetched.body.toString('utf8'), text);
    assert.match(fetched.type ?? '', /^text\/plain/);
    const json = await store.uploadText('content-generation/job-3/meta.json', '{"a":1}', 'application/json');
    assert.equal((await download(await store.presignGet(json.key))).type, 'application/json');
  });

  void test('with S3_PUBLIC_ENDPOINT the presigned URL points at the public host and still downloads', async () => {
    const store = storeFor('assets', { S3_PUBLIC_ENDPOINT: `http://localhost:${server.port}`, S3_SIGNED_URL_TTL_SECONDS: '3600' });
    await store.uploadText('public/hello.txt', 'hello');
    const url = new URL(await store.presignGet('public/hello.txt'));
    assert.equal(url.host, `localhost:${server.port}`);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '3600');
    assert.match(url.searchParams.get('X-Amz-Credential') ?? '', /\/us-east-1\/s3\/aws4_request$/);
    assert.equal((await download(url.toString())).body.toString(), 'hello');
  });

  void test('signing for an unreachable public host needs no network call', async () => {
    const store = storeFor('assets', { S3_PUBLIC_ENDPOINT: 'https://assets.invalid' });
    const url = new URL(await store.presignGet('video-generation/x/final.mp4'));
    assert.equal(url.origin, 'https://assets.invalid');
  });

  void test('an unknown access key is an unrecoverable S3_AUTH error', async () => {
    const store = createObjectStore(loadS3Config({ S3_ENDPOINT: server.endpoint, S3_KEY: 'WRONG', S3_SECRET: 'x' }));
    await assert.rejects(
      store.uploadText('x.txt', 'x'),
      (error: Error & { code?: string }) => error.name === 'UnrecoverableError' && error.code === 'S3_AUTH',
    );
  });
});

void describe('object store failures', () => {
  void test('a store that refuses connections is retryable S3_UNAVAILABLE', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const store = createObjectStore(loadS3Config({ S3_ENDPOINT: `http://127.0.0.1:${port}` }));
    await assert.rejects(
      store.ensureBucket(),
      (error: Error & { code?: string }) => error.name === 'RetryableJobError' && error.code === 'S3_UNAVAILABLE',
    );
  });

  void test('a 503 SlowDown is retryable and bad names are unrecoverable', () => {
    assert.equal((classifyStorageError(Object.assign(new Error('reduce'), { code: 'SlowDown' }), 'op') as Error & { code: string }).code, 'S3_UNAVAILABLE');
    const rejected = classifyStorageError(Object.assign(new Error('bad'), { code: 'InvalidBucketName' }), 'op');
    assert.equal(rejected.name, 'UnrecoverableError');
  });

  void test('an aborted upload rejects with AbortedError before touching the network', async () => {
    const store = createObjectStore(loadS3Config({ S3_ENDPOINT: 'http://127.0.0.1:9' }));
    const controller = new AbortController();
    controller.abort('shutdown');
    await assert.rejects(store.uploadText('k', 'v', undefined, controller.signal), { name: 'AbortedError' });
  });
});
