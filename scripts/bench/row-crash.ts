/**
 * Row 5 (and issue 2's crash-to-retry): time from SIGKILL of a processor
 * child to the job's next attempt starting, with back-off 0. The bench kills
 * the child itself (its pid arrives in a progress PATCH), so the start of the
 * interval is exact; the end is the supervisor's `job started` log line of
 * attempt 2 (its own timestamp, same clock).
 */
import { enqueueJob } from '../../src/enqueue.js';
import { startRig } from '../../test/helpers/harness.js';
import { baseEnv, fixtureProcessorDir, startSupervisor } from '../../test/helpers/supervisor-process.js';
import { waitFor } from '../../test/helpers/wait-for.js';
import { distribution, fixed } from './stats.js';
import type { BenchRow } from './types.js';

const KILLS = Number(process.env.BENCH_KILLS ?? 10);
const QUEUE = 'content-generation';

export const crashRow: BenchRow = {
  id: '5',
  title: 'Crash recovery (child SIGKILL → next attempt starts)',
  target: '≤ 500 ms (backoff 0)',
  async run(log) {
    const rig = await startRig();
    const processors = await fixtureProcessorDir('behaviours.js');
    const supervisor = startSupervisor({
      ...baseEnv({ redisPort: rig.redis.port, apiUrl: rig.api.url, tmpDir: `${rig.tmpDir}/work`, processorDir: processors.dir, prefix: rig.prefix }),
      WORKER_QUEUES: QUEUE,
      LOG_LEVEL: 'info',
    });
    try {
      await supervisor.waitForLog('ready', (l) => l.message === 'supervisor ready', 30_000);
      const toStarted: number[] = [];
      const toSucceeded: number[] = [];
      for (let i = 0; i < KILLS; i += 1) {
        const { jobId } = await enqueueJob(QUEUE, { behaviour: 'hang-once' }, { connection: rig.connection, prefix: rig.prefix, attempts: 2, backoffDelayMs: 0 });
        const childPid = await waitFor(`child pid of ${jobId}`, () => {
          const progress = rig.api.patches(jobId).map((p) => p.result?.progress as { childPid?: number } | undefined).find((p) => p?.childPid);
          return progress?.childPid;
        }, 20_000, 5);
        const killedAt = Date.now();
        process.kill(childPid, 'SIGKILL');
        const started = await supervisor.waitForLog(`attempt 2 of ${jobId}`, (l) => l.jobId === jobId && l.message === 'job started' && l.attempt === 2, 20_000);
        toStarted.push(Date.parse(String(started.timestamp)) - killedAt);
        await rig.waitForFinal(jobId, 20_000);
        const final = rig.api.requests.filter((r) => r.path === `/jobs/${jobId}`).at(-1);
        if ((final?.body as { status?: string } | undefined)?.status !== 'succeeded') throw new Error(`job ${jobId} did not succeed on attempt 2`);
        toSucceeded.push((final?.at ?? NaN) - killedAt);
      }
      const started = distribution(toStarted);
      const succeeded = distribution(toSucceeded);
      log(`  kill → attempt 2 started: ${JSON.stringify(started)}`);
      log(`  kill → succeeded PATCH: ${JSON.stringify(succeeded)}`);
      return {
        figure: `kill → attempt 2 started p50 ${fixed(started.p50)} ms, max ${fixed(started.max)} ms; → succeeded p50 ${fixed(succeeded.p50)} ms (n=${KILLS})`,
        met: started.max <= 500,
        data: { kills: KILLS, killToAttemptStartedMs: toStarted, killToSucceededMs: toSucceeded, started, succeeded, end: 'supervisor log "job started" attempt 2 (winston timestamp, ms)' },
      };
    } finally {
      await supervisor.stop('SIGTERM');
      await processors.remove();
      await rig.close();
    }
  },
};
