/**
 * Bad input through the real supervisor and the real processors: malformed
 * jobs on all three queues end after one attempt (or after their retries where
 * retrying is right) with a message a person can act on, nothing reaches a
 * shell, bad upstream answers (a rejected workflow, a file that is not a
 * video, an empty output, an LLM answering HTML) fail cleanly, and good jobs
 * enqueued in between keep succeeding. Prints the table for the closing note.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { reply } from '../helpers/llm-server.js';
import { badInputCases, shell, type BadInputCase } from '../helpers/bad-input-cases.js';

const passesRetry = 'n/a: valid text, used as data';
import type { QueueName } from '../../src/queues.js';

interface Row { name: string; queue: string; status: string; attempts: number; code: string; message: string; retry: string }

describe('bad input', () => {
  let stand: StandIns;
  let supervisor: SupervisorProcess;
  const rows: Row[] = [];
  const markers = Array.from({ length: 4 }, (_, i) => `/tmp/pwned-${randomUUID().slice(0, 8)}-${i}`);
  let victim: string;

  /** Enqueues a case; returns how to find its end (API status when it has a job id, BullMQ otherwise). */
  const submit = async (c: BadInputCase): Promise<() => Promise<Row | undefined>> => {
    const jobId = randomUUID();
    let queueJobId: string;
    if (c.raw) {
      const data = c.payload !== null && typeof c.payload === 'object' && 'jobId' in c.payload ? { ...c.payload, jobId } : c.payload;
      queueJobId = (await stand.rig.queue(c.queue).add(c.queue, data, { attempts: 3, backoff: { type: 'fixed', delay: 100 } })).id ?? '';
    } else {
      queueJobId = (await stand.rig.enqueue(c.queue, c.payload as Record<string, unknown>, { jobId, attempts: 3 })).queueJobId;
    }
    return () => observe(c, c.queue, jobId, queueJobId);
  };

  const observe = async (c: BadInputCase, queue: QueueName, jobId: string, queueJobId: string): Promise<Row | undefined> => {
    // State first, then the job: a job read before it failed has no failedReason yet.
    const state = await stand.rig.queue(queue).getJobState(queueJobId);
    if (state !== 'completed' && state !== 'failed') return undefined;
    const job = await stand.rig.queue(queue).getJob(queueJobId);
    if (!job) return undefined;
    const final = stand.rig.api.patches(jobId).filter((p) => p.status === 'succeeded' || p.status === 'failed').at(-1);
    const synced = !c.raw || (typeof c.payload === 'object' && c.payload !== null && 'jobId' in c.payload);
    if (synced && !final) return undefined; // the PATCH may trail the BullMQ state by a moment
    return {
      name: c.name, queue, retry: c.expect.retry,
      status: final?.status ?? (state === 'completed' ? 'succeeded' : 'failed'),
      attempts: job.attemptsMade,
      code: (final?.result?.code as string | undefined) ?? (state === 'failed' ? '(no jobId: BullMQ only)' : ''),
      message: (final?.result?.message as string | undefined) ?? job.failedReason ?? '',
    };
  };

  before(async () => {
    stand = await startStandIns();
    victim = join(stand.rig.tmpDir, 'victim');
    await mkdir(victim);
    stand.rig.api.onJobCreated = async (job) => {
      await stand.rig.enqueue('video-generation', job.body.payload as Record<string, unknown>, { jobId: job.id });
    };
    supervisor = startSupervisor({ ...stand.env, LOG_LEVEL: 'info', VIDEO_GENERATION_CONCURRENCY: '2' });
    await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready', 30_000);
  });

  after(async () => {
    const exit = await supervisor.stop('SIGTERM');
    await stand.close();
    console.log(['', '| case | queue | status | attempts | code | message | retries? |', '|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.queue} | ${r.status} | ${r.attempts} | ${r.code} | ${r.message.slice(0, 140).replace(/\|/g, '\\|')} | ${r.retry} |`)].map((l) => `# ${l}`).join('\n'));
    assert.equal(exit, 0);
  });

  test('malformed jobs on every queue end with an actionable message, nothing reaches a shell, good jobs keep succeeding', async () => {
    const cases = badInputCases(shell(markers, victim));
    const good: BadInputCase[] = [
      { name: 'good content (in between)', queue: 'content-generation', payload: { persona: { name: 'Ava' }, context: 'run', createVideo: false }, expect: { status: 'succeeded', attempts: 1, retry: 'n/a' } },
      { name: 'good video (in between)', queue: 'video-generation', payload: { caption: 'Sunrise', script: '0-3s: shoes.' }, expect: { status: 'succeeded', attempts: 1, retry: 'n/a' } },
      { name: 'good lora (in between)', queue: 'lora-training', payload: { datasetPath: 'faces', config: { baseModel: 'sd15.safetensors', maxTrainSteps: 4 } }, expect: { status: 'succeeded', attempts: 1, retry: 'n/a' } },
    ];
    // Good jobs are spread through the bad ones.
    const all = cases.flatMap((c, i) => (i % 12 === 6 ? [c, good[Math.floor(i / 12)] as BadInputCase] : [c]));
    const pending = await Promise.all(all.map(async (c) => ({ c, check: await submit(c) })));
    const ended: Row[] = [];
    for (const { c, check } of pending) {
      const row = await waitFor(`the end of "${c.name}" (${c.queue})`, check, 45_000, 100);
      rows.push(row);
      ended.push(row);
    }
    // The content job with shell metacharacters created a follow-up video job carrying them.
    const followUp = await waitFor('the follow-up video job', () => stand.rig.api.createdJobs.at(0));
    const followFinal = (await stand.rig.waitForFinal(followUp.id, 45_000)).at(-1);
    rows.push({ name: 'follow-up video of the shell-metacharacter content job', queue: 'video-generation', status: String(followFinal?.status), attempts: 1, code: '', message: '', retry: passesRetry });
    assert.equal(followFinal?.status, 'succeeded');
    for (const [i, { c }] of pending.entries()) {
      const row = ended[i] as Row;
      assert.equal(row.status, c.expect.status, `${c.name}: ${row.message}`);
      assert.equal(row.attempts, c.expect.attempts, `${c.name}: attempts`);
      if (c.expect.code) assert.equal(row.code.startsWith('(no jobId') ? c.expect.code : row.code, c.expect.code, `${c.name}: code`);
      if (c.expect.message) assert.match(row.message, c.expect.message, c.name);
    }
    assert.ok(cases.length >= 30);
    for (const marker of markers) assert.equal(existsSync(marker), false, `${marker} was created: a string reached a shell`);
    assert.ok(existsSync(victim), 'the victim dir survived `; rm -rf`');
  });

  test('bad upstream answers fail cleanly: a rejected workflow, a text file, an empty output, an LLM answering HTML', async () => {
    const video = { caption: 'Sunrise', script: '0-3s: shoes.' };
    const notVideo = join(stand.rig.tmpDir, 'not-a-video.mp4');
    const empty = join(stand.rig.tmpDir, 'empty.mp4');
    await writeFile(notVideo, 'this is a text file, not a video\n'.repeat(50));
    await writeFile(empty, '');
    const upstream: Array<{ name: string; queue: QueueName; arrange(): void; undo(): void; expect: BadInputCase['expect'] }> = [
      { name: 'workflow ComfyUI rejects (400)', queue: 'video-generation', arrange: () => { stand.comfy.behaviour.reject = 'prompt_outputs_failed_validation'; }, undo: () => { stand.comfy.behaviour.reject = undefined; }, expect: { status: 'failed', attempts: 1, code: 'COMFY_INVALID_PROMPT', message: /node/i, retry: 'no: the workflow is wrong' } },
      { name: 'ComfyUI output is a text file', queue: 'video-generation', arrange: () => { stand.comfy.viewPath = notVideo; }, undo: () => { stand.comfy.viewPath = undefined; }, expect: { status: 'failed', attempts: 1, code: 'INVALID_VIDEO', message: /ffprobe cannot read the file|no video stream/, retry: 'no: the output is not a video' } },
      { name: 'ComfyUI output is 0 bytes', queue: 'video-generation', arrange: () => { stand.comfy.viewPath = empty; }, undo: () => { stand.comfy.viewPath = undefined; }, expect: { status: 'failed', attempts: 1, code: 'INVALID_VIDEO', message: /empty \(0 bytes\)/, retry: 'no: the output is empty' } },
      { name: 'LLM answers an HTML page', queue: 'content-generation', arrange: () => { stand.llm.script(...Array.from({ length: 12 }, () => reply.html())); }, undo: () => { stand.llm.reset(); }, expect: { status: 'failed', attempts: 3, code: 'LLM_BAD_RESPONSE', message: /HTML|not JSON|content-type/i, retry: 'yes: a proxy error page can be transient' } },
    ];
    for (const u of upstream) {
      u.arrange();
      try {
        const payload = u.queue === 'video-generation' ? video : { persona: 'Ava', createVideo: false };
        const c: BadInputCase = { name: u.name, queue: u.queue, payload, expect: u.expect };
        const row = await waitFor(`the end of "${u.name}"`, await submit(c), 45_000, 100);
        rows.push(row);
        assert.equal(row.status, 'failed', `${u.name}: ${row.message}`);
        assert.equal(row.attempts, u.expect.attempts, `${u.name}: attempts`);
        assert.equal(row.code, u.expect.code, u.name);
        assert.match(row.message, u.expect.message ?? /./, u.name);
      } finally {
        u.undo();
      }
    }
  });
});
