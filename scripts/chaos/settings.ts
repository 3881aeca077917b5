/**
 * Settings of the chaos run, from CHAOS_* environment variables (scripts may
 * read the environment; src/ may not). Every figure has a default that keeps
 * the run well under ten minutes on two cores.
 */
export type ApiFaultMode = 'error500' | 'hang' | 'mixed';

export interface ChaosSettings {
  /** Jobs submitted directly (follow-up video jobs come on top). */
  jobs: number;
  /** Share of deliberately bad jobs among them, 0..1. */
  badShare: number;
  /** Spread of the submissions over time. */
  submitSpanMs: number;
  /** How long the API misbehaves, and how: 500s, hangs, or first half 500 then hang. */
  apiFaultMs: number;
  apiFaultMode: ApiFaultMode;
  s3DownMs: number;
  /** Hard stop: jobs without a final status by then count as lost. */
  deadlineMs: number;
  /** Lock and stalled interval of both supervisors. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Attempts and first back-off of good jobs (bad ones get 2 attempts). */
  attempts: number;
  backoffMs: number;
  seed: number;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

export function readSettings(env: NodeJS.ProcessEnv): ChaosSettings {
  const mode = env.CHAOS_API_FAULT_MODE ?? 'mixed';
  if (!['error500', 'hang', 'mixed'].includes(mode)) {
    throw new Error(`CHAOS_API_FAULT_MODE must be error500, hang or mixed, got "${mode}"`);
  }
  return {
    jobs: num(env, 'CHAOS_JOBS', 64),
    badShare: num(env, 'CHAOS_BAD_SHARE', 0.15),
    submitSpanMs: num(env, 'CHAOS_SUBMIT_SPAN_MS', 90_000),
    apiFaultMs: num(env, 'CHAOS_API_FAULT_MS', 30_000),
    apiFaultMode: mode as ApiFaultMode,
    s3DownMs: num(env, 'CHAOS_S3_DOWN_MS', 20_000),
    deadlineMs: num(env, 'CHAOS_DEADLINE_MS', 420_000),
    lockDurationMs: num(env, 'CHAOS_LOCK_DURATION_MS', 5_000),
    stalledIntervalMs: num(env, 'CHAOS_STALLED_INTERVAL_MS', 2_000),
    attempts: num(env, 'CHAOS_ATTEMPTS', 6),
    backoffMs: num(env, 'CHAOS_BACKOFF_MS', 1_000),
    seed: num(env, 'CHAOS_SEED', 7),
  };
}
