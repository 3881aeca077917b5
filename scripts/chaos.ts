/**
 * `npm run chaos`: the fault-injection suite. At least 60 jobs across the three
 * queues through two supervisors sharing one Redis (AOF on), against the
 * stand-ins, while a schedule kills children, ffmpeg, a trainer, a whole
 * supervisor, restarts Redis and ComfyUI, and takes the API and S3 down. Ends
 * with one table (also written to chaos/results/). Bounded by CHAOS_DEADLINE_MS.
 * Composition root: the only place in scripts/chaos that builds real things.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStandIns } from '../test/helpers/stand-ins.js';
import { startSupervisor } from '../test/helpers/supervisor-process.js';
import { QUEUE_NAMES, type QueueName } from '../src/queues.js';
import { enqueueJob } from '../src/enqueue.js';
import { sleep } from '../src/util/abort.js';
import { readSettings } from './chaos/settings.js';
import { planJobs } from './chaos/jobs.js';
import { buildSchedule, error500Windows, type Fault } from './chaos/schedule.js';
import { inject, type ChaosWorld, type SupervisorSlot } from './chaos/injectors.js';
import { account, inWindows, promptJobId, type DeliveredPatch, type SubmittedJob } from './chaos/ledger.js';
import { formatTable, problems, writeResults } from './chaos/report.js';
import { loraAttemptDirs, reapLeftovers, tempDirsLeft } from './chaos/leftovers.js';

const SEGV_WRAPPER = fileURLToPath(new URL('../../scripts/chaos/ffmpeg-segv-token.sh', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('../../chaos/results/', import.meta.url));

const settings = readSettings(process.env);
const runId = randomUUID();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const say = (line: string): void => console.log(`[chaos +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${line}`);
const startedAt = Date.now();

const stand = await startStandIns({ appendOnly: true });
// The Redis restart is deliberate: the script's own client reconnects, its errors are noise.
stand.rig.connection.on('error', () => undefined);
const segvDir = join(stand.rig.tmpDir, 'segv-tokens');
await mkdir(segvDir);
stand.comfy.behaviour.runMs = 800;
const env: Record<string, string> = {
  ...stand.env,
  LOG_LEVEL: 'info',
  CHAOS_RUN_ID: runId,
  CHAOS_SEGV_DIR: segvDir,
  FFMPEG_PATH: SEGV_WRAPPER,
  WORKER_LOCK_DURATION_MS: String(settings.lockDurationMs),
  WORKER_STALLED_INTERVAL_MS: String(settings.stalledIntervalMs),
  WORKER_SHUTDOWN_TIMEOUT_MS: '10000',
  CONTENT_GENERATION_CONCURRENCY: '2',
  VIDEO_GENERATION_CONCURRENCY: '2',
  LORA_TRAINING_CONCURRENCY: '1',
};
const jobs: SubmittedJob[] = [];
// rig.enqueue fixes the back-off at 100 ms; the run needs realistic back-off to ride out outages.
const enqueue = (queue: QueueName, payload: Record<string, unknown>, jobId: string, expect: 'succeed' | 'fail') =>
  enqueueJob(queue, payload, {
    connection: stand.rig.connection, prefix: stand.rig.prefix, jobId,
    attempts: expect === 'succeed' ? settings.attempts : 2, backoffDelayMs: settings.backoffMs,
  });
stand.rig.api.onJobCreated = async (created) => {
  const payload = created.body.payload as Record<string, unknown>;
  const job: SubmittedJob = { jobId: created.id, label: 'video (follow-up)', queue: 'video-generation', expect: 'succeed', parentJobId: String(payload.parentJobId) };
  jobs.push(job);
  job.queueJobId = (await enqueue('video-generation', payload, created.id, 'succeed')).queueJobId;
};

const world: ChaosWorld = {
  stand,
  marker: { envEntry: `CHAOS_RUN_ID=${runId}`, rootDir: stand.rig.tmpDir },
  slots: [{ name: 'A', process: undefined, history: [] }, { name: 'B', process: undefined, history: [] }],
  segvDir,
  async startSlot(slot: SupervisorSlot) {
    const started = startSupervisor(env);
    slot.history.push(started);
    await started.waitForLog('ready', (l) => l.message === 'supervisor ready', 30_000);
    slot.process = started;
  },
};
await Promise.all(world.slots.map((slot) => world.startSlot(slot)));
say(`two supervisors ready (pids ${world.slots.map((s) => s.process?.pid).join(', ')}); run ${runId}`);

// `at`: when the fault fired; `doneAt`: when it took effect (a ComfyUI restart waits for a running prompt).
const applied: Array<{ at: number; doneAt: number; fault: Fault; hit: boolean; detail: string }> = [];
const runStart = Date.now();

async function submitAll(): Promise<void> {
  const plan = planJobs(settings.jobs, settings.badShare, settings.seed);
  for (const [index, planned] of plan.entries()) {
    await sleep(Math.max(0, runStart + (index * settings.submitSpanMs) / plan.length - Date.now()));
    const jobId = randomUUID();
    const job: SubmittedJob = { jobId, label: planned.label, queue: planned.queue, expect: planned.expect };
    jobs.push(job);
    job.queueJobId = (await enqueue(planned.queue, planned.payload, jobId, planned.expect)).queueJobId;
  }
  say(`submitted ${plan.length} jobs`);
}

/** Each fault fires at its time; slow ones (waiting for a trainer) do not delay the next. */
async function runFaults(): Promise<void> {
  const running: Array<Promise<void>> = [];
  for (const { atMs, fault } of buildSchedule(settings)) {
    await sleep(Math.max(0, runStart + atMs - Date.now()));
    const at = Date.now();
    running.push(inject(fault, world).then(
      (result) => {
        applied.push({ at, doneAt: Date.now(), fault, ...result });
        say(`${fault.kind}: ${result.detail}`);
      },
      (error: unknown) => {
        applied.push({ at, doneAt: Date.now(), fault, hit: false, detail: `injector failed: ${(error as Error).message}` });
        say(`${fault.kind} FAILED: ${(error as Error).message}`);
      },
    ));
  }
  await Promise.all(running);
  applied.sort((a, b) => a.at - b.at);
}

/** PATCHes the API answered with 2xx: not those it received while answering 500. */
function deliveredPatches(endAt: number): DeliveredPatch[] {
  const windows = error500Windows(applied, endAt);
  return stand.rig.api.requests
    .filter((r) => r.method === 'PATCH' && r.path.startsWith('/jobs/') && !inWindows(r.at, windows))
    .map((r) => {
      const body = r.body as { status: string; result?: { code?: string; message?: string } };
      return { jobId: decodeURIComponent(r.path.slice('/jobs/'.length)), status: body.status, at: r.at, code: body.result?.code, message: body.result?.message };
    });
}

async function queuesIdle(): Promise<boolean> {
  for (const name of QUEUE_NAMES) {
    const counts = await stand.rig.queue(name).getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(counts).some((n) => n > 0)) return false;
  }
  return true;
}

await Promise.all([submitAll(), runFaults()]);
say('schedule done; waiting for every job to end');
const deadline = startedAt + settings.deadlineMs;
let idleSince: number | undefined;
while (Date.now() < deadline) {
  const finals = new Set(deliveredPatches(Date.now()).filter((p) => p.status === 'succeeded' || p.status === 'failed').map((p) => p.jobId));
  if (jobs.every((job) => finals.has(job.jobId))) break;
  idleSince = (await queuesIdle()) ? (idleSince ?? Date.now()) : undefined;
  if (idleSince !== undefined && Date.now() - idleSince > 10_000) {
    say('queues idle for 10 s but some jobs have no final status');
    break;
  }
  await sleep(500);
}
const endAt = Date.now();

for (const slot of world.slots) await slot.process?.stop('SIGTERM', 30_000);
await sleep(1_000);
const leftProcesses = reapLeftovers(world.marker);
const leftDirs = await tempDirsLeft(stand.env.WORKER_TMP_DIR ?? '');
const loraDirs = await loraAttemptDirs(stand.outputRoot);
const patches = deliveredPatches(endAt);
const prompts = stand.comfy.requests.filter((r) => r.method === 'POST' && r.path === '/prompt').map((r) => ({ jobId: promptJobId(r.body) ?? '?', at: r.at }));
const comfyRestarts = applied.filter((a) => a.fault.kind === 'restart-comfy' && a.hit).map((a) => a.doneAt);
const { table, outcomes } = account({ jobs, patches, prompts, comfyRestarts, processesLeft: leftProcesses.length, tempDirsLeft: leftDirs.length, wallMs: Date.now() - startedAt });

// Where BullMQ left the jobs whose final status never reached the API (Redis is gone after close).
const lostInRedis = await Promise.all(outcomes.filter((o) => o.outcome === 'lost').map(async ({ job }) => {
  const found = job.queueJobId ? await stand.rig.queue(job.queue as QueueName).getJob(job.queueJobId) : undefined;
  const state = job.queueJobId ? await stand.rig.queue(job.queue as QueueName).getJobState(job.queueJobId) : 'unknown';
  return { jobId: job.jobId, queue: job.queue, queueJobId: job.queueJobId, state, attemptsMade: found?.attemptsMade, attemptsStarted: found?.attemptsStarted, stalledCounter: found?.stalledCounter, failedReason: found?.failedReason, finishedOn: found?.finishedOn };
}));
const logDir = join(RESULTS_DIR, `logs-${stamp}`);
await mkdir(logDir, { recursive: true });
for (const slot of world.slots) {
  for (const sup of slot.history) {
    await writeFile(join(logDir, `supervisor-${slot.name}-${sup.pid}.jsonl`), sup.logs.map((l) => JSON.stringify(l)).join('\n') + '\n' + sup.stderr.join(''));
  }
}
const ffmpegSegvs = (await readdir(segvDir)).filter((n) => n.startsWith('used-')).length;
const faultCounts = applied.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.fault.kind]: (acc[a.fault.kind] ?? 0) + (a.hit ? 1 : 0) }), {});
const path = await writeResults(RESULTS_DIR, `chaos-${stamp}.json`, {
  runId, settings, table, faultCounts: { ...faultCounts, 'ffmpeg-segv (encodes that crashed)': ffmpegSegvs },
  faults: applied.map((a) => ({ at: new Date(a.at).toISOString(), tMs: a.at - runStart, tookMs: a.doneAt - a.at, kind: a.fault.kind, hit: a.hit, detail: a.detail })),
  problems: problems(outcomes), lostInRedis,
  processesLeft: leftProcesses, tempDirsLeft: leftDirs, loraAttemptDirsKept: loraDirs.length, logDir,
});
await stand.close();

console.log(`\n${formatTable(table)}\n`);
console.log(`faults that hit: ${JSON.stringify(faultCounts)}; ffmpeg encodes killed by SIGSEGV: ${ffmpegSegvs}`);
console.log(`details: ${path}\nsupervisor logs: ${logDir}`);
