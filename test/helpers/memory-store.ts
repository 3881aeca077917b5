/**
 * An in-memory ObjectStore for pipeline unit tests. Records what was uploaded and
 * can be told to fail the next uploads, to exercise retries that resume.
 */
import { readFile } from 'node:fs/promises';
import { RetryableJobError } from '../../src/errors/job-errors.js';
import { throwIfAborted } from '../../src/util/abort.js';
import type { ObjectStore, StoredObject } from '../../src/storage/object-store.js';

export interface MemoryObject {
  body: Buffer;
  contentType: string;
}

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, MemoryObject>();
  ensureBucketCalls = 0;
  /** Number of upcoming uploads that throw a retryable error, as S3 being down would. */
  failUploads = 0;

  constructor(private readonly bucket = 'test-bucket') {}

  async ensureBucket(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    this.ensureBucketCalls += 1;
  }

  async uploadFile(key: string, path: string, contentType: string, signal?: AbortSignal): Promise<StoredObject> {
    // Test files are small; reading whole is fine here (the real store streams).
    return this.put(key, await readFile(path), contentType, signal);
  }

  async uploadText(key: string, text: string, contentType = 'text/plain; charset=utf-8', signal?: AbortSignal): Promise<StoredObject> {
    return this.put(key, Buffer.from(text, 'utf8'), contentType, signal);
  }

  async presignGet(key: string): Promise<string> {
    if (!this.objects.has(key)) throw new Error(`no object ${key}`);
    return `http://memory.invalid/${this.bucket}/${key}?X-Amz-Signature=test`;
  }

  text(key: string): string | undefined {
    return this.objects.get(key)?.body.toString('utf8');
  }

  private put(key: string, body: Buffer, contentType: string, signal?: AbortSignal): StoredObject {
    throwIfAborted(signal);
    if (this.failUploads > 0) {
      this.failUploads -= 1;
      throw new RetryableJobError('STORAGE_UNREACHABLE', `object storage unreachable while uploading ${key}`);
    }
    this.objects.set(key, { body, contentType });
    return { key, sizeBytes: body.length };
  }
}
