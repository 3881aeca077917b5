// Fakes and helpers shared by the trainer and lora-training tests: an in-memory
// object store that reads uploaded files from disk, a fake platform API, a
// JobContext that records progress, temp roots and a process liveness check.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoraConfig } from '../../src/config/lora.js';
import { UnrecoverableJobError } from '../../src/errors/job-errors.js';
import type { JobContext } from '../../src/jobs/context.js';
import { silentLogger } from '../../src/logger.js';
import { ProcessGroupRegistry } from '../../src/process/process-groups.js';
import type { ObjectStore, StoredObject } from '../../src/storage/object-store.js';

/** Repository path of the fake trainer (tests run from dist/test/...). */
export const FAKE_TRAINER = fileURLToPath(new URL('../../../test/fixtures/fake-trainer.mjs', import.meta.url));

export interface FakeStore extends ObjectStore {
  uploads: Array<{ key: string; path: string; contentType: string; sizeBytes: number }>;
}

export function createFakeStore(): FakeStore {
  const uploads: FakeStore['uploads'] = [];
  return {
    uploads,
    async ensureBucket() {},
    async uploadFile(key, path, contentType): Promise<StoredObject> {
      const sizeBytes = statSync(path).size;
      uploads.push({ key, path, contentType, sizeBytes });
      return { key, sizeBytes };
    },
    async uploadText(key, text) {
      return { key, sizeBytes: Buffer.byteLength(text) };
    },
    async presignGet(key) {
      return `http://storage.test/bucket/${key}?X-Amz-Signature=fake`;
    },
  };
}

/** A fake API with records by id; unknown ids throw the client's 404 error. */
export function createFakeApi(records: { datasets?: Record<string, string>; configs?: Record<string, Record<string, unknown>> }) {
  const calls: string[] = [];
  const notFound = (path: string): never => {
    throw new UnrecoverableJobError('API_HTTP_404', `platform API answered 404 for GET ${path}`, { status: 404 });
  };
  return {
    calls,
    async getDataset(id: string) {
      calls.push(`GET /datasets/${id}`);
      const path = records.datasets?.[id];
      return path === undefined ? notFound(`/datasets/${id}`) : { id, path, meta: {} };
    },
    async getLoraConfig(id: string) {
      calls.push(`GET /lora-configs/${id}`);
      return records.configs?.[id] ?? notFound(`/lora-configs/${id}`);
    },
  };
}

export interface RecordingContext extends JobContext {
  progress: Array<Record<string, unknown>>;
  controller: AbortController;
}

export function createContext(overrides: Partial<JobContext> = {}): RecordingContext {
  const controller = new AbortController();
  const progress: Array<Record<string, unknown>> = [];
  return {
    jobId: 'job-1',
    queueJobId: '1',
    attempt: 1,
    attempts: 3,
    signal: controller.signal,
    logger: silentLogger,
    async reportProgress(value) {
      progress.push(value);
    },
    checkpoint: {},
    async saveCheckpoint() {},
    makeTmpDir: async () => tmpdir(),
    ...overrides,
    progress,
    controller,
  };
}

/** A temp dir with `datasets/<name>` and `loras/`; call `cleanup` in a finally. */
export function createRoots(): { dir: string; datasetRoot: string; outputRoot: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lora-test-'));
  return {
    dir,
    datasetRoot: join(dir, 'datasets'),
    outputRoot: join(dir, 'loras'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A LoraConfig running the fake trainer through node, with short timeouts. */
export function fakeTrainerConfig(roots: { datasetRoot: string; outputRoot: string; dir: string }): LoraConfig {
  return {
    trainerCommand: process.execPath,
    trainerArgsPrefix: [],
    trainerScript: FAKE_TRAINER,
    kohyaDir: roots.dir,
    trainerEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONUNBUFFERED: '1' },
    datasetRoot: roots.datasetRoot,
    outputRoot: roots.outputRoot,
    trainingTimeoutMs: 20_000,
    dryRun: false,
    killGraceMs: 300,
  };
}

/** True while `pid` exists and is not a zombie (PID 1 in a container may not reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits up to `ms` for every pid to be gone; returns those still alive. */
export async function waitGone(pids: number[], ms = 3000): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Reads `key=<number>` out of the fake trainer's log lines. */
export function pidFromLogs(lines: readonly string[], key: 'pid' | 'grandchild'): number | undefined {
  for (const line of lines) {
    const match = new RegExp(`fake-trainer.*\\b${key}=(\\d+)`).exec(line);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** Live (non-zombie) processes whose process group is `pgid`, read from /proc. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // The process exited while the list was read.
    }
  }
  return members;
}

/** A registry that remembers every group it was given, so a test can check they are gone. */
export class RecordingRegistry extends ProcessGroupRegistry {
  readonly seen: number[] = [];
  override add(pgid: number): void {
    this.seen.push(pgid);
    super.add(pgid);
  }
}
