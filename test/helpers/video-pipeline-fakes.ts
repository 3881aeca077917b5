/**
 * Fakes for the video-generation pipeline's seams: a JobContext that records
 * progress and checkpoints, a post-processor that copies the file, and an
 * in-memory object store. Passed through parameters; nothing is mocked.
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobContext } from '../../src/jobs/context.js';
import { silentLogger } from '../../src/logger.js';
import type { PostProcessFn, PostProcessRequest } from '../../src/media/types.js';
import type { ObjectStore, StoredObject } from '../../src/storage/object-store.js';

export interface FakeContext extends JobContext {
  /** The attempt dir `makeTmpDir` hands out. */
  tmpDir: string;
  progress: Array<Record<string, unknown>>;
  saved: Array<Record<string, unknown>>;
  controller: AbortController;
  cleanup(): Promise<void>;
}

/** A context whose checkpoint starts as `checkpoint` and accumulates what the pipeline saves. */
export async function fakeContext(options: { jobId?: string; checkpoint?: Record<string, unknown> } = {}): Promise<FakeContext> {
  const tmpDir = await mkdtemp(join(tmpdir(), 'video-job-'));
  const controller = new AbortController();
  const checkpoint: Record<string, unknown> = { ...options.checkpoint };
  const ctx: FakeContext = {
    jobId: options.jobId ?? 'job-1',
    queueJobId: '1',
    attempt: 1,
    attempts: 3,
    signal: controller.signal,
    logger: silentLogger,
    progress: [],
    saved: [],
    controller,
    checkpoint,
    tmpDir,
    makeTmpDir: async () => tmpDir,
    async reportProgress(progress) {
      ctx.progress.push(progress);
    },
    async saveCheckpoint(values) {
      ctx.saved.push(values);
      Object.assign(checkpoint, values);
    },
    cleanup: () => rm(tmpDir, { recursive: true, force: true }),
  };
  return ctx;
}

/** Copies input to output and reports two progress ticks; "probes" with stat. */
export function copyingPostProcess(calls: PostProcessRequest[] = []): PostProcessFn {
  return async (request) => {
    calls.push(request);
    request.onProgress?.({ percent: 50, timemarkSec: 0.5 });
    await copyFile(request.inputPath, request.outputPath);
    request.onProgress?.({ percent: 100, timemarkSec: 1 });
    const { size } = await stat(request.outputPath);
    return { width: 1080, height: 1920, durationSec: 1, sizeBytes: size, videoCodec: 'h264', audioCodec: 'aac', audioSampleRate: 48000 };
  };
}

export interface MemoryStore extends ObjectStore {
  objects: Map<string, { sizeBytes: number; contentType: string }>;
  bucketEnsured: number;
}

export function memoryStore(): MemoryStore {
  const store: MemoryStore = {
    objects: new Map(),
    bucketEnsured: 0,
    async ensureBucket() {
      store.bucketEnsured += 1;
    },
    async uploadFile(key, path, contentType): Promise<StoredObject> {
      const { size } = await stat(path);
      store.objects.set(key, { sizeBytes: size, contentType });
      return { key, sizeBytes: size };
    },
    async uploadText(key, text, contentType = 'text/plain'): Promise<StoredObject> {
      store.objects.set(key, { sizeBytes: Buffer.byteLength(text), contentType });
      return { key, sizeBytes: Buffer.byteLength(text) };
    },
    async presignGet(key) {
      return `http://storage.test/assets/${key}?X-Amz-Signature=fake`;
    },
  };
  return store;
}
