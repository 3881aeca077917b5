/**
 * The minio-backed {@link ObjectStore} — the only file that imports minio.
 * Uploads stream from disk; presigned URLs are signed for the public endpoint
 * when one is configured.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Client } from 'minio';
import type { S3Config } from '../config/s3.js';
import { abortReason, throwIfAborted } from '../util/abort.js';
import type { ObjectStore, StoredObject } from './object-store.js';
import { classifyStorageError } from './storage-errors.js';

/**
 * minio reads an object of up to one part into memory before sending it (and
 * buffers one part at a time above that). Its default part is 64 MiB; the S3
 * minimum keeps an upload's footprint to a few MiB whatever the file size.
 */
export const UPLOAD_PART_SIZE = 5 * 1024 * 1024;

function clientFor(endpoint: string, config: S3Config): Client {
  const url = new URL(endpoint);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: url.port === '' ? (useSSL ? 443 : 80) : Number(url.port),
    useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    // An explicit region stops minio from asking the server for it (GetBucketLocation),
    // so signing for the public host needs no network call.
    region: config.region,
    pathStyle: true,
    partSize: UPLOAD_PART_SIZE,
  });
}

/** Runs a storage call, classifying its failure; an abort wins over the failure it caused. */
async function guarded<T>(operation: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
  throwIfAborted(signal);
  try {
    return await call();
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw classifyStorageError(error, operation);
  }
}

/** Builds the object store; no network traffic happens until a method is called. */
export function createObjectStore(config: S3Config): ObjectStore {
  const client = clientFor(config.endpoint, config);
  const signer = config.publicEndpoint ? clientFor(config.publicEndpoint, config) : client;
  const { bucket } = config;

  return {
    ensureBucket: (signal) =>
      guarded(`creating bucket ${bucket}`, signal, async () => {
        if (await client.bucketExists(bucket)) return;
        try {
          await client.makeBucket(bucket, config.region);
        } catch (error) {
          // Another worker may have created it between our check and our create.
          const code = (error as { code?: unknown }).code;
          if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
          if (await client.bucketExists(bucket).catch(() => false)) return;
          throw error;
        }
      }),

    uploadFile: (key, path, contentType, signal) =>
      guarded(`uploading ${key}`, signal, async () => {
        const { size } = await stat(path);
        const stream = createReadStream(path);
        // minio takes no AbortSignal: destroying the source stream ends the request.
        const onAbort = (): void => {
          stream.destroy(abortReason(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          await client.putObject(bucket, key, stream, size, { 'Content-Type': contentType });
        } finally {
          signal?.removeEventListener('abort', onAbort);
          stream.destroy();
        }
        return { key, sizeBytes: size } satisfies StoredObject;
      }),

    uploadText: (key, text, contentType = 'text/plain; charset=utf-8', signal) =>
      guarded(`uploading ${key}`, signal, async () => {
        const body = Buffer.from(text, 'utf8');
        await client.putObject(bucket, key, body, body.length, { 'Content-Type': contentType });
        return { key, sizeBytes: body.length };
      }),

    presignGet: (key) =>
      guarded(`signing a URL for ${key}`, undefined, () =>
        signer.presignedGetObject(bucket, key, config.signedUrlTtlSeconds),
      ),
  };
}
