/**
 * The demo's view of jobs: what the platform API has been told (the PATCHes the
 * API stand-in recorded), reduced to one line per job with a progress bar.
 * Pure functions plus one small writer that redraws on a TTY and prints one
 * line per change elsewhere (CI logs, pipes).
 */
import type { StatusPatch } from '../../test/helpers/api-server.js';

export interface JobView {
  queue: string;
  jobId: string;
  status: string;
  stage: string | undefined;
  percent: number;
}

// Each stage owns a band of the bar, in the order the pipelines run them; a
// stage's own percentage (ComfyUI steps, ffmpeg time) moves within its band.
const STAGE_BANDS: Record<string, Record<string, readonly [number, number]>> = {
  'content-generation': { caption: [5, 35], script: [35, 65], uploading: [65, 85], 'follow-up': [85, 95] },
  'video-generation': {
    submitting: [2, 5], 'waiting-for-comfyui': [2, 5], queued: [5, 10], generating: [10, 50], downloading: [50, 55],
    'post-processing': [55, 90], uploading: [90, 97], uploaded: [97, 99],
  },
};

function percentFor(queue: string, stage: string | undefined, stagePercent: unknown): number | undefined {
  const band = stage === undefined ? undefined : STAGE_BANDS[queue]?.[stage];
  if (!band) return typeof stagePercent === 'number' ? stagePercent : undefined;
  const [low, high] = band;
  return typeof stagePercent === 'number' ? low + ((high - low) * Math.min(100, Math.max(0, stagePercent))) / 100 : low;
}

/** The state of one job after the PATCHes it received so far. */
export function viewOf(queue: string, jobId: string, patches: readonly StatusPatch[]): JobView {
  let view: JobView = { queue, jobId, status: 'queued', stage: undefined, percent: 0 };
  for (const patch of patches) {
    const progress = patch.result?.progress as { stage?: unknown; percent?: unknown } | undefined;
    const stage = typeof progress?.stage === 'string' ? progress.stage : undefined;
    const retrying = stage === 'retrying';
    let percent = patch.status === 'succeeded' ? 100 : percentFor(queue, stage, progress?.percent) ?? view.percent;
    // The bar only moves forward within an attempt; a retry starts it again.
    if (!retrying && patch.status === 'running') percent = Math.max(percent, view.percent);
    if (retrying) percent = 0;
    view = { queue, jobId, status: retrying ? 'retrying' : patch.status, stage: patch.status === 'running' && !retrying ? stage ?? view.stage : undefined, percent };
  }
  return view;
}

/** `video-generation   1a2b3c4d  [##########----------]  50%  running (post-processing)` */
export function renderLine(view: JobView, width = 24): string {
  const filled = Math.round((Math.min(100, Math.max(0, view.percent)) / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const status = view.stage ? `${view.status} (${view.stage})` : view.status;
  return `${view.queue.padEnd(18)} ${view.jobId.slice(0, 8)}  ${bar} ${String(Math.round(view.percent)).padStart(3)}%  ${status}`;
}

export interface ProgressWriter {
  update(views: readonly JobView[]): void;
}

/** On a TTY the block of job lines is redrawn in place; otherwise each changed line is printed once. */
export function createProgressWriter(out: NodeJS.WritableStream, tty: boolean): ProgressWriter {
  const printed = new Map<string, string>();
  let drawn = 0;
  return {
    update(views) {
      const lines = views.map((view) => renderLine(view));
      if (tty) {
        if (drawn > 0) out.write(`\x1b[${drawn}A`);
        out.write(lines.map((line) => `\x1b[2K${line}\n`).join(''));
        drawn = lines.length;
        return;
      }
      views.forEach((view, index) => {
        const line = lines[index] ?? '';
        if (printed.get(view.jobId) !== line) out.write(`${line}\n`);
        printed.set(view.jobId, line);
      });
    },
  };
}
