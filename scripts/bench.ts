/**
 * `npm run bench`: the benchmark table of issue 8 (plus issue 2's idle RSS).
 * Every figure is a ratio or a distribution taken in this run against a
 * baseline on this machine, using the test stand-ins (real Redis, real ffmpeg,
 * the S3-compatible server, the ComfyUI double) and the real supervisor.
 *
 * Run: npm run bench [-- --rows 4,5] [-- --out bench/results]
 * Env: BENCH_PRESET (row 1, default veryfast), BENCH_OVERHEAD_RUNS (5),
 *      BENCH_LATENCY_PROMPTS (50), BENCH_THROUGHPUT_JOBS (200), BENCH_KILLS (10),
 *      BENCH_FLEET_JOBS (8).
 * Needs a build first (the supervisor runs from dist/): the npm script does it.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { markdownTable, writeJson, type RowOutcome } from './bench/report.js';
import { msSince } from './bench/stats.js';
import type { BenchRow } from './bench/types.js';
import { overheadRow } from './bench/row-overhead.js';
import { latencyRow } from './bench/row-latency.js';
import { memoryRow } from './bench/row-memory.js';
import { throughputRow } from './bench/row-throughput.js';
import { crashRow } from './bench/row-crash.js';
import { fleetRow } from './bench/row-fleet.js';
import { idleRow } from './bench/row-idle.js';

const ROWS: BenchRow[] = [overheadRow, latencyRow, memoryRow, throughputRow, crashRow, fleetRow, idleRow];

const { values } = parseArgs({
  options: { rows: { type: 'string' }, out: { type: 'string', default: 'bench/results' } },
});
const wanted = values.rows?.split(',').map((id) => id.trim()).filter(Boolean);
const unknown = wanted?.filter((id) => !ROWS.some((row) => row.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown rows: ${unknown.join(', ')} (rows are ${ROWS.map((r) => r.id).join(', ')})`);
  process.exit(2);
}
const selected = wanted ? ROWS.filter((row) => wanted.includes(row.id)) : ROWS;

const startedAt = new Date();
const outcomes: RowOutcome[] = [];
for (const row of selected) {
  console.log(`row ${row.id}: ${row.title}`);
  const started = process.hrtime.bigint();
  try {
    const result = await row.run((line) => console.log(line));
    outcomes.push({ row, result, durationMs: msSince(started), loadAvg: loadavg()[0] });
    console.log(`  → ${result.figure} (${(msSince(started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    // One broken row must not hide the others' figures.
    const message = error instanceof Error ? error.message : String(error);
    outcomes.push({ row, error: message, durationMs: msSince(started), loadAvg: loadavg()[0] });
    console.log(`  → failed: ${message}`);
  }
}
const path = await writeJson(resolve(values.out ?? 'bench/results'), startedAt, outcomes);
console.log(`\n${markdownTable(outcomes)}\n\nJSON: ${path}`);
process.exitCode = outcomes.some((o) => o.error) ? 1 : 0;
