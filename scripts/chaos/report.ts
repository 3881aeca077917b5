/**
 * Prints the chaos table and writes it, with the evidence behind every
 * non-zero loss column, as JSON under chaos/results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChaosTable, JobOutcome } from './ledger.js';

const LABELS: Array<[keyof ChaosTable, string]> = [
  ['submitted', 'jobs submitted'],
  ['succeeded', 'succeeded (good jobs)'],
  ['failedAsExpected', 'failed as expected (bad jobs)'],
  ['unexpectedOutcome', 'unexpected outcome (good failed / bad succeeded)'],
  ['lost', 'lost (no final status at the API)'],
  ['finalStatusSentMoreThanOnce', 'final status sent more than once'],
  ['gpuPromptsSubmittedMoreThanOnce', 'GPU prompt submitted more than once for one job'],
  ['gpuRepeatsAfterComfyRestart', '  of which after ComfyUI restart lost the prompt'],
  ['processesLeftRunning', 'processes left running'],
  ['tempDirsLeftBehind', 'temp dirs left behind'],
  ['wallTimeSec', 'wall time (s)'],
];

export function formatTable(table: ChaosTable): string {
  const width = Math.max(...LABELS.map(([, label]) => label.length));
  const lines = LABELS.map(([key, label]) => `| ${label.padEnd(width)} | ${String(table[key]).padStart(6)} |`);
  const rule = `|${'-'.repeat(width + 2)}|${'-'.repeat(8)}|`;
  return [`| ${'column'.padEnd(width)} | ${'value'.padStart(6)} |`, rule, ...lines].join('\n');
}

/** Jobs behind the non-zero loss columns, in a form a person can follow up. */
export function problems(outcomes: JobOutcome[]): Array<Record<string, unknown>> {
  return outcomes
    .filter((o) => o.outcome === 'lost' || o.finals.length > 1 || o.prompts > 1 || (o.job.expect === 'succeed') !== (o.outcome === 'succeeded'))
    .map((o) => ({
      jobId: o.job.jobId,
      label: o.job.label,
      queue: o.job.queue,
      expect: o.job.expect,
      outcome: o.outcome,
      finals: o.finals.map((f) => ({ status: f.status, at: new Date(f.at).toISOString(), code: f.code, message: f.message })),
      prompts: o.prompts,
      resubmittedAfterComfyRestart: o.resubmittedAfterComfyRestart,
    }));
}

export async function writeResults(dir: string, name: string, content: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify(content, null, 2)}\n`);
  return path;
}
