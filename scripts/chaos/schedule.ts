/**
 * When each fault is injected, relative to the start of the run. Pure: the
 * same settings give the same schedule. Faults of different kinds do not
 * overlap the API and S3 outages, so a loss can be traced to one cause.
 */
import type { ChaosSettings } from './settings.js';

export type Fault =
  | { kind: 'kill-child' }
  | { kind: 'ffmpeg-segv' }
  | { kind: 'kill-trainer' }
  | { kind: 'kill-supervisor' }
  | { kind: 'restart-supervisor' }
  | { kind: 'restart-redis' }
  | { kind: 'api'; mode: 'error500' | 'hang' | 'ok' }
  | { kind: 's3'; up: boolean }
  | { kind: 'restart-comfy' };

export interface ScheduledFault {
  atMs: number;
  fault: Fault;
}

const CHILD_KILLS = 12;
const FFMPEG_SEGVS = 6;

export function buildSchedule(settings: Pick<ChaosSettings, 'apiFaultMs' | 'apiFaultMode' | 's3DownMs' | 'submitSpanMs'>): ScheduledFault[] {
  const events: ScheduledFault[] = [];
  const add = (atMs: number, fault: Fault): void => {
    events.push({ atMs, fault });
  };
  // Child kills and ffmpeg crashes run through the whole submission span.
  const span = Math.max(settings.submitSpanMs, 30_000);
  for (let i = 0; i < CHILD_KILLS; i += 1) add(4_000 + Math.round((i * (span - 4_000)) / CHILD_KILLS), { kind: 'kill-child' });
  for (let i = 0; i < FFMPEG_SEGVS; i += 1) add(6_000 + Math.round((i * (span - 6_000)) / FFMPEG_SEGVS), { kind: 'ffmpeg-segv' });
  add(10_000, { kind: 'kill-trainer' });
  add(16_000, { kind: 'kill-supervisor' });
  add(24_000, { kind: 'restart-supervisor' });
  add(30_000, { kind: 'restart-redis' });
  add(36_000, { kind: 'restart-comfy' });
  add(span - 10_000, { kind: 'kill-trainer' });
  const apiStart = 42_000;
  if (settings.apiFaultMs > 0) {
    if (settings.apiFaultMode === 'mixed') {
      add(apiStart, { kind: 'api', mode: 'error500' });
      add(apiStart + Math.round(settings.apiFaultMs / 2), { kind: 'api', mode: 'hang' });
    } else {
      add(apiStart, { kind: 'api', mode: settings.apiFaultMode });
    }
    add(apiStart + settings.apiFaultMs, { kind: 'api', mode: 'ok' });
  }
  const s3Start = apiStart + settings.apiFaultMs + 5_000;
  if (settings.s3DownMs > 0) {
    add(s3Start, { kind: 's3', up: false });
    add(s3Start + settings.s3DownMs, { kind: 's3', up: true });
  }
  add(60_000, { kind: 'restart-comfy' });
  return events.sort((a, b) => a.atMs - b.atMs);
}

/** Time windows (ms since epoch) in which the API answered 500, for the ledger. */
export function error500Windows(applied: Array<{ at: number; fault: Fault }>, endAt: number): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  let openedAt: number | undefined;
  for (const { at, fault } of applied) {
    if (fault.kind !== 'api') continue;
    if (openedAt !== undefined) windows.push([openedAt, at]);
    openedAt = fault.mode === 'error500' ? at : undefined;
  }
  if (openedAt !== undefined) windows.push([openedAt, endAt]);
  return windows;
}
