/**
 * One status update waiting in the outbox, and the pure rules about it. The
 * platform API only ever sees `update`; `kind` and `attempt` let the outbox
 * coalesce progress and refuse updates that would regress a finished job.
 */
import type { JobStatusUpdate } from '../api/client.js';

export type RecordKind = 'progress' | 'running' | 'final';

export interface OutboxRecord {
  kind: RecordKind;
  /** BullMQ's attemptsStarted when the update was made: orders runs of one job. */
  attempt: number;
  update: JobStatusUpdate;
  /** Epoch ms when the update was reported (for logs and backlog age). */
  at: number;
}

export function recordKind(update: JobStatusUpdate, isProgress: boolean): RecordKind {
  if (update.status !== 'running') return 'final';
  return isProgress ? 'progress' : 'running';
}

export function encodeRecord(record: OutboxRecord): string {
  return JSON.stringify(record);
}

/** Parses a stored record; undefined for anything that is not one (never throws). */
export function decodeRecord(raw: string): OutboxRecord | undefined {
  try {
    const value = JSON.parse(raw) as Partial<OutboxRecord>;
    if (typeof value !== 'object' || value === null || !value.update || typeof value.update.status !== 'string') return undefined;
    if (value.kind !== 'progress' && value.kind !== 'running' && value.kind !== 'final') return undefined;
    return { kind: value.kind, attempt: Number(value.attempt ?? 0), update: value.update, at: Number(value.at ?? 0) };
  } catch {
    return undefined;
  }
}
