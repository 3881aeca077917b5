/**
 * The monitor server through the real supervisor on real Redis: liveness and
 * readiness (flipping with Redis), Prometheus metrics counting what the
 * behaviour fixture does, and the dashboard in headless Chromium.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { makeTestVideo } from '../helpers/media-fixtures.js';
import { join } from 'node:path';
import { openBrowser } from './browser.js';

const USER = 'ops';
const PASSWORD = 'correct horse battery staple';

describe('monitor server', () => {
  let rig: Rig;
  let supervisor: SupervisorProcess;
  let processors: { dir: string; remove(): Promise<void> };
  let base: string;

  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${base}${path}`, { headers });
  const metricsText = async (): Promise<string> => (await get('/metrics')).text();
  const sample = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  before(async () => {
    rig = await startRig();
    // The behaviours fixture, plus `ffmpeg-crash` (real post-processor, segfaulting ffmpeg, real telemetry hook).
    processors = await fixtureProcessorDir('../../monitor/fixtures/telemetry-processor.js');
    await makeTestVideo(join(rig.tmpDir, 'clip.mp4'), { width: 160, height: 120, seconds: 0.5, audio: false });
    supervisor = startSupervisor({
      ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: rig.tmpDir, processorDir: processors.dir, prefix: rig.prefix }),
      // One old name and one new name: both spellings are accepted.
      BULL_BOARD_USER: USER,
      WORKER_BULL_BOARD_PASSWORD: PASSWORD,
    });
    const listening = await supervisor.waitForLog('monitor listening', (line) => line.message === 'monitor listening');
    assert.equal(listening.dashboard, true);
    base = `http://127.0.0.1:${String(listening.port)}`;
    await supervisor.waitForLog('ready', (line) => line.message === 'supervisor ready');
  });

  after(async () => {
    const exit = await supervisor.stop('SIGTERM');
    await processors.remove();
    await rig.close();
    const tail = supervisor.logs.slice(-15).map((l) => `${String(l.message)} ${JSON.stringify(l.error ?? l.reason ?? '')}`).join('\n');
    assert.equal(exit, 0, `the supervisor, monitor server included, exits 0 on SIGTERM; last log lines:\n${tail}`);
  });

  test('liveness answers 200 and readiness 200 with every worker running and Redis up', async () => {
    assert.equal((await get('/healthz')).status, 200);
    const ready = await get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), {
      ready: true, redis: 'ok', reasons: [],
      workers: { 'content-generation': 'running', 'video-generation': 'running', 'lora-training': 'running' },
    });
  });

  test('metrics count a completed, a failed and a crashed job, ffmpeg crashes inside a child, and show queue depth', async () => {
    const ok = await rig.enqueue('content-generation', { behaviour: 'ok' });
    const bad = await rig.enqueue('lora-training', { behaviour: 'unrecoverable' });
    const crash = await rig.enqueue('video-generation', { behaviour: 'sigkill' }, { attempts: 1 });
    const ffmpeg = await rig.enqueue('video-generation', { behaviour: 'ffmpeg-crash', input: join(rig.tmpDir, 'clip.mp4') }, { attempts: 1 });
    await Promise.all([ok, bad, crash, ffmpeg].map(({ jobId }) => rig.waitForFinal(jobId)));
    assert.equal(rig.api.patches(ffmpeg.jobId).at(-1)?.result?.code, 'FFMPEG_CRASHED');
    await rig.queue('content-generation').add('content-generation', { jobId: 'later', payload: { behaviour: 'ok' } }, { delay: 3_600_000 });

    const p = 'influencerai_worker_';
    const text = await waitFor('crash counted', async () => {
      const body = await metricsText();
      return sample(body, `${p}child_crashes_total{queue="video-generation",signal="SIGKILL"}`) === 1 ? body : undefined;
    });
    assert.equal(sample(text, `${p}jobs_completed_total{queue="content-generation"}`), 1);
    assert.equal(sample(text, `${p}job_duration_seconds_count{queue="content-generation",status="completed"}`), 1);
    assert.equal(sample(text, `${p}jobs_failed_total{queue="lora-training",outcome="final"}`), 1);
    assert.equal(sample(text, `${p}jobs_failed_total{queue="video-generation",outcome="final"}`), 2);
    assert.equal(sample(text, `${p}ffmpeg_crashes_total{queue="video-generation",signal="SIGSEGV"}`), 2, 'the first encode and its conservative retry');
    assert.equal(sample(text, `${p}queue_jobs{queue="lora-training",state="failed"}`), 1);
    assert.equal(sample(text, `${p}queue_jobs{queue="video-generation",state="failed"}`), 2);
    assert.equal(sample(text, `${p}queue_jobs{queue="content-generation",state="delayed"}`), 1);
    assert.equal(sample(text, `${p}queue_jobs{queue="content-generation",state="waiting"}`), 0);
    assert.equal(sample(text, `${p}status_sync_failures_total`), 0);
    assert.notEqual(sample(text, `${p}status_updates_pending`), undefined);
    assert.match(text, new RegExp(`^${p}process_cpu_user_seconds_total `, 'm'), 'default process metrics carry the prefix');
    assert.doesNotMatch(text, /^(?!#)(?!influencerai_worker_)\S/m, 'every series carries the prefix');
  });

  test('the dashboard refuses requests without or with wrong credentials with 401 and a challenge', async () => {
    const none = await get('/bull-board');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
    const wrong = await get('/bull-board', { authorization: `Basic ${Buffer.from(`${USER}:nope`).toString('base64')}` });
    assert.equal(wrong.status, 401);
    const api = await get('/bull-board/api/queues', { authorization: `Basic ${Buffer.from(`${USER}:nope`).toString('base64')}` });
    assert.equal(api.status, 401, 'the dashboard API is behind the same check');
  });

  test('in Chromium the dashboard logs in, lists the three queues and shows a failed job\'s reason; without credentials it is refused', async () => {
    const anonymous = await openBrowser();
    try {
      const page = await anonymous.context.newPage();
      const statuses: number[] = [];
      page.on('response', (response) => statuses.push(response.status()));
      // With no credentials to offer, Chromium abandons the challenge (ERR_INVALID_AUTH_CREDENTIALS).
      await page.goto(`${base}/bull-board`).catch(() => undefined);
      assert.deepEqual(statuses, [401], 'the one response is the refusal; nothing of the dashboard loads');
    } finally {
      await anonymous.close();
    }
    const browser = await openBrowser({ httpCredentials: { username: USER, password: PASSWORD } });
    try {
      const page = await browser.context.newPage();
      const response = await page.goto(`${base}/bull-board`);
      assert.equal(response?.status(), 200);
      for (const queue of ['content-generation', 'video-generation', 'lora-training']) {
        await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
      }
      await page.goto(`${base}/bull-board/queue/lora-training?status=failed`);
      await page.getByText('this job can never succeed').first().waitFor({ timeout: 15_000 });
      if (process.env.MONITOR_SCREENSHOT) await page.screenshot({ path: process.env.MONITOR_SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });

  test('readiness turns 503 with a reason while Redis is down and 200 again when it is back', async () => {
    await rig.redis.stop();
    const down = await waitFor('readiness 503', async () => {
      const response = await get('/readyz');
      return response.status === 503 ? ((await response.json()) as { ready: boolean; redis: string; reasons: string[] }) : undefined;
    });
    assert.equal(down.ready, false);
    assert.notEqual(down.redis, 'ok');
    assert.match(down.reasons.join(' '), /redis/);
    assert.equal((await get('/healthz')).status, 200, 'liveness does not depend on Redis');
    assert.equal((await get('/metrics')).status, 200, 'metrics still answer without Redis');
    await rig.redis.start();
    await waitFor('readiness 200 again', async () => (await get('/readyz')).status === 200, 20_000);
  });
});
