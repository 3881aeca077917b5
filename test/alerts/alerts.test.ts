/**
 * Failure alerts through the real supervisor: the webhook fires exactly at the
 * threshold of consecutive final failures on one queue, the streak resets on a
 * success, and a webhook that never answers does not hold up jobs. This
 * supervisor has no dashboard credentials, so the dashboard is not mounted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, type Rig } from '../helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

describe('failure alerts', () => {
  let rig: Rig;
  let receiver: WebhookReceiver;
  let supervisor: SupervisorProcess;
  let processors: { dir: string; remove(): Promise<void> };
  let base: string;

  const runJob = async (behaviour: 'ok' | 'unrecoverable'): Promise<string> => {
    const { jobId } = await rig.enqueue('lora-training', { behaviour });
    const patches = await rig.waitForFinal(jobId);
    assert.equal(patches.at(-1)?.status, behaviour === 'ok' ? 'succeeded' : 'failed');
    return jobId;
  };
  // The alert observer runs in the same 'failed' handler that queues the final PATCH,
  // so by the time the PATCH has arrived the alert decision is made; a short settle
  // lets a (wrongly) sent request reach the receiver before we count.
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));

  before(async () => {
    rig = await startRig();
    receiver = await startWebhookReceiver();
    processors = await fixtureProcessorDir('behaviours.js');
    supervisor = startSupervisor({
      ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: rig.tmpDir, processorDir: processors.dir, prefix: rig.prefix }),
      ALERT_WEBHOOK_URL: receiver.url, // the older name is accepted
      // Longer than the test: the hanging request must still be open when we check.
      WORKER_ALERT_TIMEOUT_MS: '120000',
    });
    const listening = await supervisor.waitForLog('monitor listening', (line) => line.message === 'monitor listening');
    base = `http://127.0.0.1:${String(listening.port)}`;
    await supervisor.waitForLog('ready', (line) => line.message === 'supervisor ready');
  });

  after(async () => {
    const exit = await supervisor.stop('SIGTERM');
    await receiver.stop();
    await processors.remove();
    await rig.close();
    assert.equal(exit, 0, 'the supervisor exits 0 even with an alert request still hanging');
  });

  test('without dashboard credentials the dashboard is not mounted while health and metrics are', async () => {
    assert.equal((await fetch(`${base}/bull-board`)).status, 404);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/metrics`)).status, 200);
  });

  test('the webhook fires once at the third consecutive final failure, and again only after a success resets the streak', async () => {
    await runJob('unrecoverable');
    await runJob('unrecoverable');
    await settle();
    assert.equal(receiver.bodies.length, 0, 'two failures are below the threshold');
    const third = await runJob('unrecoverable');
    await waitFor('the alert', () => receiver.bodies.length === 1);
    const alert = receiver.bodies[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(alert).sort(), ['consecutiveFailures', 'jobId', 'message', 'queue', 'timestamp']);
    assert.equal(alert.queue, 'lora-training');
    assert.equal(alert.jobId, third);
    assert.equal(alert.consecutiveFailures, 3);
    assert.match(String(alert.message), /FIXTURE_BAD/);
    assert.ok(!Number.isNaN(Date.parse(String(alert.timestamp))));

    await runJob('unrecoverable');
    await runJob('ok');
    await runJob('unrecoverable');
    await runJob('unrecoverable');
    await settle();
    assert.equal(receiver.bodies.length, 1, 'no alert beyond the threshold, nor before it again after the reset');
    await runJob('unrecoverable');
    await waitFor('the second alert', () => receiver.bodies.length === 2);
    assert.equal((receiver.bodies[1] as Record<string, unknown>).consecutiveFailures, 3);
  });

  test('a webhook that never answers does not hold up the next jobs', async () => {
    receiver.setMode('hang');
    await runJob('ok');
    for (let i = 0; i < 3; i += 1) await runJob('unrecoverable');
    await waitFor('the alert request to arrive and hang', () => receiver.hanging() === 1);
    await runJob('ok');
    await runJob('ok');
    assert.equal(receiver.hanging(), 1, 'the jobs finished while the alert request was still open');
  });
});
