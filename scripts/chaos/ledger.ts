/**
 * The accounting of a chaos run: from what the API and ComfyUI stand-ins
 * recorded, per job, how it ended and what was lost or duplicated. Pure.
 */
export interface SubmittedJob {
  jobId: string;
  label: string;
  queue: string;
  expect: 'succeed' | 'fail';
  /** The content job that created this follow-up, if any. */
  parentJobId?: string;
  /** BullMQ's id, to look the job up in Redis when its status went missing. */
  queueJobId?: string;
}

/** A PATCH the API stand-in answered with 2xx. */
export interface DeliveredPatch {
  jobId: string;
  status: string;
  at: number;
  code?: string;
  message?: string;
}

export interface JobOutcome {
  job: SubmittedJob;
  finals: DeliveredPatch[];
  prompts: number;
  /** A second POST /prompt came after a ComfyUI restart had forgotten the first one. */
  resubmittedAfterComfyRestart: boolean;
  outcome: 'succeeded' | 'failed' | 'lost';
}

export interface ChaosTable {
  submitted: number;
  succeeded: number;
  failedAsExpected: number;
  unexpectedOutcome: number;
  lost: number;
  finalStatusSentMoreThanOnce: number;
  gpuPromptsSubmittedMoreThanOnce: number;
  /** Of those, jobs whose repeat followed a ComfyUI restart (prompt and output forgotten). */
  gpuRepeatsAfterComfyRestart: number;
  processesLeftRunning: number;
  tempDirsLeftBehind: number;
  wallTimeSec: number;
}

export interface LedgerInput {
  jobs: SubmittedJob[];
  patches: DeliveredPatch[];
  /** One entry per POST /prompt ComfyUI received. */
  prompts: Array<{ jobId: string; at: number }>;
  /** When ComfyUI was restarted (ms since epoch). */
  comfyRestarts: number[];
  processesLeft: number;
  tempDirsLeft: number;
  wallMs: number;
}

const FINAL = new Set(['succeeded', 'failed']);

export function account(input: LedgerInput): { table: ChaosTable; outcomes: JobOutcome[] } {
  const finalsOf = new Map<string, DeliveredPatch[]>();
  for (const patch of input.patches) {
    if (!FINAL.has(patch.status)) continue;
    finalsOf.set(patch.jobId, [...(finalsOf.get(patch.jobId) ?? []), patch]);
  }
  const promptTimes = new Map<string, number[]>();
  for (const { jobId, at } of input.prompts) promptTimes.set(jobId, [...(promptTimes.get(jobId) ?? []), at]);
  const restartBetween = (times: number[]): boolean =>
    times.slice(1).every((at, i) => input.comfyRestarts.some((r) => r > (times[i] ?? 0) && r < at));
  const outcomes: JobOutcome[] = input.jobs.map((job) => {
    const finals = finalsOf.get(job.jobId) ?? [];
    const last = finals.at(-1);
    const times = promptTimes.get(job.jobId) ?? [];
    return { job, finals, prompts: times.length, resubmittedAfterComfyRestart: times.length > 1 && restartBetween(times), outcome: last ? (last.status as 'succeeded' | 'failed') : 'lost' };
  });
  const count = (predicate: (o: JobOutcome) => boolean): number => outcomes.filter(predicate).length;
  return {
    outcomes,
    table: {
      submitted: input.jobs.length,
      succeeded: count((o) => o.job.expect === 'succeed' && o.outcome === 'succeeded'),
      failedAsExpected: count((o) => o.job.expect === 'fail' && o.outcome === 'failed'),
      unexpectedOutcome: count((o) => o.outcome !== 'lost' && (o.job.expect === 'succeed') !== (o.outcome === 'succeeded')),
      lost: count((o) => o.outcome === 'lost'),
      finalStatusSentMoreThanOnce: count((o) => o.finals.length > 1),
      gpuPromptsSubmittedMoreThanOnce: count((o) => o.prompts > 1),
      gpuRepeatsAfterComfyRestart: count((o) => o.resubmittedAfterComfyRestart),
      processesLeftRunning: input.processesLeft,
      tempDirsLeftBehind: input.tempDirsLeft,
      wallTimeSec: Math.round(input.wallMs / 1000),
    },
  };
}

/** The job id in a ComfyUI prompt graph: SaveVideo's `filename_prefix` is `influencerai/<jobId>`. */
export function promptJobId(body: unknown): string | undefined {
  const graph = (body as { prompt?: Record<string, { inputs?: Record<string, unknown> }> } | undefined)?.prompt;
  for (const node of Object.values(graph ?? {})) {
    const prefix = node.inputs?.filename_prefix;
    if (typeof prefix === 'string') return prefix.split('/').at(-1);
  }
  return undefined;
}

/** True when `at` falls in one of the windows (the API answered 500 then). */
export function inWindows(at: number, windows: Array<[number, number]>): boolean {
  return windows.some(([from, to]) => at >= from && at < to);
}
