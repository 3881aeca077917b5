/**
 * `npm run demo` end to end, not on a TTY: it exits 0, prints the signed URL
 * and a local copy of the MP4, and no process it started outlives it. Its
 * process tree is sampled from /proc while it runs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '../helpers/wait-for.js';

const DEMO = fileURLToPath(new URL('../../scripts/demo.js', import.meta.url));

/** Parent pid of every process, from /proc. */
async function parentPids(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // exited while we looked
    }
  }
  return parents;
}

function descendants(root: number, parents: Map<number, number>): number[] {
  const found = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (found.has(ppid) && !found.has(pid)) { found.add(pid); grew = true; }
    }
  }
  found.delete(root);
  return [...found];
}

describe('npm run demo', () => {
  let outputDir: string;
  before(async () => { outputDir = await mkdtemp(join(tmpdir(), 'worker-test-demo-')); });
  after(async () => { await rm(outputDir, { recursive: true, force: true }); });

  test('runs one content job through to a video, prints its signed URL and leaves nothing running', async () => {
    const demo = spawn(process.execPath, [DEMO], { env: { ...process.env, DEMO_OUTPUT_DIR: outputDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    demo.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    const seen = new Set<number>();
    let running = true;
    void exited.then(() => { running = false; });
    while (running) {
      for (const pid of descendants(demo.pid ?? -1, await parentPids())) seen.add(pid);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const code = await exited;
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.ok(seen.size >= 3, `the demo's processes were observed (${seen.size})`);
    assert.match(stdout, /Stand-ins started for this demo/);
    assert.match(stdout, /video-generation .*100%\s+succeeded/);
    const url = /signed URL\s+(\S+)/.exec(stdout)?.[1] ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/assets\/video-generation\/.+\/final\.mp4\?.*X-Amz-Signature=/);
    const localCopy = /local copy\s+(\S+)/.exec(stdout)?.[1] ?? '';
    assert.ok((await stat(localCopy)).size > 1000, 'the MP4 was downloaded');
    const alive = [...seen].filter(isProcessAlive);
    assert.deepEqual(alive, [], 'no process the demo started is still running');
  });
});
