/**
 * The pure and /proc parts the bench rows rely on: percentiles, the result
 * table, and finding a process tree's members and their memory.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { distribution, median, percentile } from '../../scripts/bench/stats.js';
import { markdownTable } from '../../scripts/bench/report.js';
import { processTree, rssKb, treeRssMb } from '../../scripts/bench/rss.js';
import { cpuDelta } from '../../scripts/bench/proc-cpu.js';
import type { BenchRow } from '../../scripts/bench/types.js';

const row = (id: string): BenchRow => ({ id, title: `row ${id}`, target: 't', run: () => Promise.reject(new Error('not run')) });

describe('bench statistics', () => {
  test('percentiles use the nearest rank, so p50 of an even count is the lower middle value', () => {
    const values = [40, 10, 30, 20];
    assert.equal(median(values), 20);
    assert.equal(percentile(values, 99), 40);
    assert.equal(percentile(values, 0), 10);
    assert.ok(Number.isNaN(median([])));
  });

  test('a distribution of 100 values reports the 99th value as p99', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.deepEqual(distribution(values), { n: 100, min: 1, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  test('CPU deltas are per unit and rounded to hundredths', () => {
    assert.deepEqual(cpuDelta({ a: 100, b: 0 }, { a: 400, b: 10 }, 3), { a: 100, b: 3.33 });
  });
});

describe('bench report', () => {
  test('the table marks met, missed, figure-only and failed rows, and lists notes', () => {
    const table = markdownTable([
      { row: row('1'), result: { figure: 'ratio 1.02', met: true, data: {} }, durationMs: 1, loadAvg: 0.5 },
      { row: row('2'), result: { figure: 'a | b', met: false, data: {}, note: 'too slow' }, durationMs: 1 },
      { row: row('3'), result: { figure: '42 MB', met: undefined, data: {} }, durationMs: 1 },
      { row: row('4'), error: 'boom', durationMs: 1 },
    ]);
    const lines = table.split('\n');
    assert.match(lines[2] ?? '', /\| ratio 1\.02 \| t \| yes \| 0\.5 \|$/);
    assert.match(lines[3] ?? '', /a \\\| b .*\| NO \| {2}\|$/);
    assert.match(lines[4] ?? '', /\| — \| {2}\|$/);
    assert.match(lines[5] ?? '', /failed: boom .*\| error \| {2}\|$/);
    assert.match(table, /- row 2: too slow/);
  });
});

describe('process tree memory', () => {
  test('the tree of this process includes a spawned grandchild and sums its memory', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    try {
      const pid = child.pid ?? -1;
      let tree: number[] = [];
      for (let i = 0; i < 100 && tree.length < 2; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        tree = processTree(pid);
      }
      assert.equal(tree.length, 2, 'sh and its sleep');
      assert.ok(processTree(process.pid).includes(tree[1] ?? -1), 'the grandchild is in this process tree');
      assert.ok(rssKb(process.pid) > 1000);
      assert.ok(treeRssMb(process.pid).totalMb > rssKb(process.pid) / 1024);
    } finally {
      child.kill('SIGKILL');
      const sleeper = processTree(child.pid ?? -1).slice(1);
      for (const pid of sleeper) process.kill(pid, 'SIGKILL');
    }
  });
});
