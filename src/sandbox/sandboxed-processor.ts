/**
 * Turns a pipeline into the default export of a sandboxed processor file: it
 * validates the envelope, builds the JobContext from BullMQ's sandboxed job,
 * gives the attempt a private temp dir (removed on every path), and requeues the
 * job without spending an attempt when the supervisor aborts it for shutdown.
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { JobContext } from '../jobs/context.js';
import { parseEnvelope } from '../jobs/envelope.js';
import { AbortedError, coerceError, isPlainObject } from '../errors/job-errors.js';
import { linkedSignal } from '../util/abort.js';
import { childRuntime } from './child-runtime.js';
import { attemptDirPrefix } from '../supervisor/attempt-dirs.js';

/** What BullMQ hands a sandboxed processor (bullmq-sandbox.md §1.4), narrowed to what we use. */
export interface SandboxedJob {
  id?: string;
  data: unknown;
  attemptsMade: number;
  opts: { attempts?: number };
  updateProgress(progress: object | number): Promise<void>;
  updateData(data: unknown): Promise<void>;
  moveToDelayed(timestamp: number, token?: string): Promise<void>;
}

export interface PipelineDefinition<Input, Result> {
  queue: string;
  parse(payload: Record<string, unknown>): Input;
  run(input: Input, ctx: JobContext): Promise<Result>;
}

export interface ProcessorEnvironment {
  logger: Logger;
  /** Root of per-attempt temp dirs. */
  tmpRoot: string;
  /**
   * Where this child records the process groups it spawns, so the supervisor
   * can kill them if the child dies first (see process-groups.ts).
   */
  pgroupDir?: string;
}

export type SandboxedProcessor = (job: SandboxedJob, token?: string, signal?: AbortSignal) => Promise<unknown>;

/** Shutdown reason sent by the supervisor (see supervisor.ts SHUTDOWN_REASON). */
const SHUTDOWN_REASON = 'worker-shutdown';
// A requeued job becomes available again after this delay, leaving time for the
// shutting-down worker to stop fetching.
const REQUEUE_DELAY_MS = 1000;

export function createSandboxedProcessor<Input, Result>(
  definition: PipelineDefinition<Input, Result>,
  environment: ProcessorEnvironment,
): SandboxedProcessor {
  if (environment.pgroupDir) childRuntime().registry.persistTo(environment.pgroupDir);
  return async function processJob(job, token, signal) {
    const attempt = job.attemptsMade + 1;
    const envelope = parseEnvelope(job.data);
    const jobId = envelope.jobId ?? `${definition.queue}-${job.id ?? 'unknown'}`;
    const logger = environment.logger.child({ queue: definition.queue, jobId, queueJobId: job.id, attempt });
    const input = definition.parse(envelope.payload);
    const linked = linkedSignal([signal, childRuntime().shutdown.signal]);
    let tmpDir: Promise<string> | undefined;
    const makeTmpDir = (): Promise<string> => {
      tmpDir ??= mkdir(environment.tmpRoot, { recursive: true }).then(() =>
        mkdtemp(join(environment.tmpRoot, attemptDirPrefix(definition.queue, job.id ?? 'job', attempt, process.pid))));
      return tmpDir;
    };
    const checkpoint = readCheckpoint(job.data);
    const ctx: JobContext = {
      jobId,
      queueJobId: job.id ?? '',
      attempt,
      attempts: job.opts.attempts ?? 1,
      signal: linked.signal,
      logger,
      makeTmpDir,
      checkpoint,
      reportProgress: (progress) => job.updateProgress(progress),
      saveCheckpoint: async (values) => {
        Object.assign(checkpoint, values);
        await job.updateData({ ...(job.data as object), checkpoint: { ...checkpoint } });
      },
    };
    try {
      return await definition.run(input, ctx);
    } catch (thrown) {
      if (signal?.aborted && signal.reason === SHUTDOWN_REASON) {
        logger.warn('job aborted by worker shutdown; requeued without spending an attempt');
        await job.updateProgress({ stage: 'requeued', reason: 'worker shutdown' });
        await job.moveToDelayed(Date.now() + REQUEUE_DELAY_MS, token);
        throw Object.assign(new Error('requeued by worker shutdown'), { name: 'DelayedError' });
      }
      if (signal?.aborted) throw new AbortedError(String(signal.reason ?? 'cancelled'));
      throw coerceError(thrown);
    } finally {
      linked.dispose();
      if (tmpDir) await rm(await tmpDir, { recursive: true, force: true }).catch(() => undefined);
    }
  };
}

function readCheckpoint(data: unknown): Record<string, unknown> {
  const stored = isPlainObject(data) ? data.checkpoint : undefined;
  return isPlainObject(stored) ? { ...stored } : {};
}
