/** Turns row results into the markdown table and the JSON file of one bench run. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchRow, RowResult } from './types.js';

export interface RowOutcome {
  row: BenchRow;
  result?: RowResult;
  error?: string;
  durationMs: number;
  /** 1-minute load average when the row ended: on a shared machine, the first thing to check when a figure looks off. */
  loadAvg?: number;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(outcomes: readonly RowOutcome[]): string {
  const lines = ['| row | figure | target | met? | load |', '|---|---|---|---|---|'];
  for (const { row, result, error, loadAvg } of outcomes) {
    const met = error ? 'error' : result?.met === undefined ? '—' : result.met ? 'yes' : 'NO';
    const figure = error ? `failed: ${error}` : result?.figure ?? '';
    lines.push(`| ${row.id}. ${cell(row.title)} | ${cell(figure)} | ${cell(row.target)} | ${met} | ${loadAvg === undefined ? '' : loadAvg.toFixed(1)} |`);
  }
  const notes = outcomes.filter((o) => o.result?.note).map((o) => `- row ${o.row.id}: ${o.result?.note ?? ''}`);
  return notes.length > 0 ? `${lines.join('\n')}\n\nNotes:\n${notes.join('\n')}` : lines.join('\n');
}

/** Writes `<dir>/<timestamp>.json` and returns its path. */
export async function writeJson(dir: string, startedAt: Date, outcomes: readonly RowOutcome[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const body = {
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, totalMemMb: Math.round(totalmem() / 2 ** 20), node: process.version, loadAvgAtEnd: loadavg() },
    rows: outcomes.map(({ row, result, error, durationMs, loadAvg }) => ({
      id: row.id, title: row.title, target: row.target, durationMs: Math.round(durationMs), loadAvg,
      ...(error ? { error } : { figure: result?.figure, met: result?.met, note: result?.note, data: result?.data }),
    })),
  };
  await writeFile(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}
