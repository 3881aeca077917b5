/**
 * Names and label values of the worker's metrics, pure so they can be tested
 * without a registry. Every name is `<prefix><base>`; the prefix is validated
 * by the config (a Prometheus name prefix).
 */

/** Base names (without the prefix) of the worker's own metrics. */
export const METRIC_BASES = {
  jobsCompleted: 'jobs_completed_total',
  jobsFailed: 'jobs_failed_total',
  jobDuration: 'job_duration_seconds',
  queueJobs: 'queue_jobs',
  childCrashes: 'child_crashes_total',
  ffmpegCrashes: 'ffmpeg_crashes_total',
  statusSyncFailures: 'status_sync_failures_total',
  statusUpdatesPending: 'status_updates_pending',
} as const;

export type MetricBase = keyof typeof METRIC_BASES;

export function metricNames(prefix: string): Record<MetricBase, string> {
  const entries = Object.entries(METRIC_BASES).map(([key, base]) => [key, `${prefix}${base}`]);
  return Object.fromEntries(entries) as Record<MetricBase, string>;
}

/** Queue states whose depth is exported (BullMQ's getJobCounts names). */
export const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** `final` when BullMQ will not run the job again, `retried` when another attempt follows. */
export function failureOutcome(final: boolean): 'final' | 'retried' {
  return final ? 'final' : 'retried';
}

/**
 * The `signal` label of a child exit: the signal name, or `exit-<code>` for a
 * non-zero exit; undefined for a clean exit (not a crash).
 */
export function crashLabel(exit: { signal: string | null; exitCode: number | null }): string | undefined {
  if (exit.signal !== null) return exit.signal;
  if (exit.exitCode !== null && exit.exitCode !== 0) return `exit-${exit.exitCode}`;
  return undefined;
}

/** Job run time in seconds from BullMQ's timestamps, when both are known and sane. */
export function jobDurationSeconds(job: { processedOn?: number | undefined; finishedOn?: number | undefined }): number | undefined {
  if (!job.processedOn || !job.finishedOn || job.finishedOn < job.processedOn) return undefined;
  return (job.finishedOn - job.processedOn) / 1000;
}
