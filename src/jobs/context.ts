/**
 * What a pipeline receives besides its validated input: identity, cancellation,
 * logging and the few job operations a sandboxed child can perform. Processors
 * build it from BullMQ's sandboxed job; unit tests build it from plain fakes.
 */
import type { Logger } from '../logger.js';

export interface JobContext {
  /** The platform API's job id (`data.jobId`). */
  jobId: string;
  /** BullMQ's job id, unique within the queue. */
  queueJobId: string;
  /** 1-based number of this attempt (BullMQ `attemptsMade + 1`). */
  attempt: number;
  /** Attempts this job has in total. */
  attempts: number;
  /** Fires on cancellation, shutdown or when the supervisor disappears. */
  signal: AbortSignal;
  logger: Logger;
  /** Reports progress; the supervisor turns it into throttled `running` PATCHes. */
  reportProgress(progress: Record<string, unknown>): Promise<void>;
  /**
   * State saved on the job between attempts (e.g. a ComfyUI prompt id or a
   * follow-up job id), so a retry resumes instead of redoing work.
   */
  checkpoint: Readonly<Record<string, unknown>>;
  saveCheckpoint(values: Record<string, unknown>): Promise<void>;
  /**
   * A directory private to this attempt, created on first call (most jobs never
   * need one, and the per-job cost is paid only by those that do) and removed
   * by the processor afterwards.
   */
  makeTmpDir(): Promise<string>;
}
