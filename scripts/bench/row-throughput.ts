/**
 * Row 4, sandbox throughput: no-op jobs through the full path (real
 * supervisor, sandboxed child, PATCH running + succeeded to the API stand-in)
 * against a plain in-process BullMQ Worker doing the same PATCHes, at
 * concurrency 1 and 8; rounds interleaved, median per side. Also counts
 * PATCHes, Redis commands and CPU per job: where the sandbox's cost goes.
 * BENCH_CPU_PROF_DIR=<dir> writes --cpu-prof profiles of the supervisor and its children.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { startRig, type Rig } from '../../test/helpers/harness.js';
import { waitFor } from '../../test/helpers/wait-for.js';
import { commandName, cpuDelta, cpuSnapshot, descendants } from './proc-cpu.js';
import { fixed, median } from './stats.js';
import { startInProcessSide, startSandboxedSide, type ThroughputSide } from './throughput-sides.js';
import type { BenchRow } from './types.js';

const JOBS = Number(process.env.BENCH_THROUGHPUT_JOBS ?? 300);
const ROUNDS = 3;

interface Batch {
  jobsPerSec: number;
  wallMs: number;
  patchesPerJob: number;
  /** Every command Redis executed, those inside BullMQ's Lua scripts included. */
  redisCommandsPerJob: number;
  /** CPU ms per job of the worker process, its children, redis-server and (sandboxed) this bench process. */
  cpuMsPerJob: Record<string, number>;
}

async function redisCommands(connection: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await connection.info('stats'))?.[1] ?? NaN);
}

function cpuGroups(workerPid: number): Record<string, number[]> {
  const redis = descendants(process.pid).filter((pid) => commandName(pid) === 'redis-server');
  return workerPid === process.pid
    ? { benchProcessWithWorker: [process.pid], redis }
    : { supervisor: [workerPid], children: descendants(workerPid), redis, benchProcess: [process.pid] };
}

/** Enqueues `count` no-op jobs at once; done when every one has its succeeded PATCH. */
async function batch(rig: Rig, side: ThroughputSide, count: number): Promise<Batch> {
  const want = new Set<string>(Array.from({ length: count }, () => randomUUID()));
  const requestsBefore = rig.api.requests.length;
  const commandsBefore = await redisCommands(rig.connection);
  const groups = cpuGroups(side.pid);
  const cpuBefore = cpuSnapshot(groups);
  const startedAt = Date.now();
  await rig.queue(side.queue as 'content-generation').addBulk([...want].map((jobId) => ({ name: side.queue, data: { jobId, payload: { behaviour: 'ok' } }, opts: { attempts: 1 } })));
  let lastAt = 0;
  let seen = requestsBefore;
  let done = 0;
  await waitFor(`${count} succeeded PATCHes`, () => {
    for (; seen < rig.api.requests.length; seen += 1) {
      const r = rig.api.requests[seen];
      if (r && want.has(decodeURIComponent(r.path.slice('/jobs/'.length))) && (r.body as { status?: string }).status === 'succeeded') {
        done += 1;
        lastAt = Math.max(lastAt, r.at);
      }
    }
    return done === count;
  }, 120_000, 20);
  const wallMs = lastAt - startedAt;
  const cpuMsPerJob = cpuDelta(cpuBefore, cpuSnapshot(groups), count);
  const patches = rig.api.requests.slice(requestsBefore).filter((r) => r.method === 'PATCH').length;
  const commands = (await redisCommands(rig.connection)) - commandsBefore;
  return { jobsPerSec: (count / wallMs) * 1000, wallMs, patchesPerJob: patches / count, redisCommandsPerJob: commands / count, cpuMsPerJob };
}

interface Level { sandboxed: Batch[]; inProcess: Batch[]; sandboxedJobsPerSec: number; inProcessJobsPerSec: number; ratio: number }

async function level(rig: Rig, concurrency: number): Promise<Level> {
  const sandboxedSide = await startSandboxedSide(rig, concurrency, process.env.BENCH_CPU_PROF_DIR);
  const inProcessSide = await startInProcessSide(rig, concurrency).catch(async (error: unknown) => {
    await sandboxedSide.close();
    throw error;
  });
  try {
    // Warm-up: the pool forks its children, both sides load their scripts.
    await batch(rig, sandboxedSide, concurrency * 2);
    await batch(rig, inProcessSide, concurrency * 2);
    const sandboxed: Batch[] = [];
    const inProcess: Batch[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      sandboxed.push(await batch(rig, sandboxedSide, JOBS));
      inProcess.push(await batch(rig, inProcessSide, JOBS));
    }
    const s = median(sandboxed.map((b) => b.jobsPerSec));
    const p = median(inProcess.map((b) => b.jobsPerSec));
    return { sandboxed, inProcess, sandboxedJobsPerSec: s, inProcessJobsPerSec: p, ratio: s / p };
  } finally {
    await inProcessSide.close();
    await sandboxedSide.close();
  }
}

const show = (l: Level): string => `${fixed(l.sandboxedJobsPerSec)} vs ${fixed(l.inProcessJobsPerSec)} jobs/s (×${fixed(l.ratio, 2)})`;

export const throughputRow: BenchRow = {
  id: '4',
  title: 'Sandbox throughput (no-op jobs, sandboxed / in-process)',
  target: 'ratio ≥ 0.5 at concurrency 8',
  async run(log) {
    const rig = await startRig();
    try {
      const c1 = await level(rig, 1);
      log(`  c=1: ${show(c1)}; cpu ms/job sandboxed ${JSON.stringify(c1.sandboxed[0]?.cpuMsPerJob)}, in-process ${JSON.stringify(c1.inProcess[0]?.cpuMsPerJob)}`);
      const c8 = await level(rig, 8);
      log(`  c=8: ${show(c8)}; cpu ms/job sandboxed ${JSON.stringify(c8.sandboxed[0]?.cpuMsPerJob)}, in-process ${JSON.stringify(c8.inProcess[0]?.cpuMsPerJob)}`);
      return {
        figure: `c=1: ${show(c1)}; c=8: ${show(c8)}; median of ${ROUNDS}×${JOBS} jobs, 2 PATCHes/job`,
        met: c8.ratio >= 0.5,
        data: { jobs: JOBS, rounds: ROUNDS, c1, c8 },
      };
    } finally {
      await rig.close();
    }
  },
};
