/**
 * `npm run demo`: the whole product on a machine with no GPU and no accounts.
 * Starts the stand-ins (test/helpers/stand-ins.ts), runs the real supervisor
 * as a child process, enqueues one content-generation job, shows every status
 * change the platform API receives, and prints where the final MP4 is. Every
 * process and server it started is stopped on success, failure and Ctrl-C.
 *
 * Options: `--keep` leaves the stand-ins up after the run (until Ctrl-C) so the
 * signed URL can be opened. Env: DEMO_OUTPUT_DIR (default <tmp>/influencerai-demo).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandIns, type StandIns } from '../test/helpers/stand-ins.js';
import { startSupervisor, type SupervisorProcess } from '../test/helpers/supervisor-process.js';
import { reply } from '../test/helpers/llm-server.js';
import { createProgressWriter, viewOf, type JobView } from './demo/progress.js';
import { conclusion, introduction } from './demo/text.js';

const DEADLINE_MS = 90_000;
const keep = process.argv.includes('--keep');
const outputDir = process.env.DEMO_OUTPUT_DIR ?? join(tmpdir(), 'influencerai-demo');
const logFile = join(outputDir, 'supervisor.log');
const say = (text: string): void => void process.stdout.write(`${text}\n`);

let stand: StandIns | undefined;
let supervisor: SupervisorProcess | undefined;
let stopping: Promise<void> | undefined;
let interrupted = false;

/** Stops everything this demo started, in reverse order; safe to call more than once. */
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    if (supervisor) {
      await supervisor.stop('SIGTERM', 20_000);
      await writeFile(logFile, supervisor.logs.map((line) => JSON.stringify(line)).join('\n') + '\n').catch(() => undefined);
    }
    await stand?.close();
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`\n${signal}: stopping the supervisor and the stand-ins...`);
    void stopAll().finally(() => process.exit(130));
  });
}

function views(s: StandIns, rootJobId: string): JobView[] {
  const api = s.rig.api;
  const followUps = api.createdJobs.filter((job) => (job.body.payload as { parentJobId?: unknown } | undefined)?.parentJobId === rootJobId);
  return [
    viewOf('content-generation', rootJobId, api.patches(rootJobId)),
    ...followUps.map((job) => viewOf(typeof job.body.type === 'string' ? job.body.type : 'video-generation', job.id, api.patches(job.id))),
  ];
}

/** The two binaries the demo cannot stand in for; a clear message beats a spawn ENOENT stack. */
function checkBinaries(): void {
  const missing = [['redis-server', '--version'], ['ffmpeg', '-version']].filter(([bin, flag]) => spawnSync(bin ?? '', [flag ?? ''], { stdio: 'ignore' }).error !== undefined);
  if (missing.length > 0) {
    throw new Error(`${missing.map(([bin]) => bin).join(' and ')} not found on PATH (Debian/Ubuntu: apt-get install redis-server ffmpeg)`);
  }
}

async function run(): Promise<void> {
  checkBinaries();
  await mkdir(outputDir, { recursive: true });
  say('starting the stand-ins (redis-server, API, S3, ComfyUI double, LLM) ...');
  const s = (stand = await startStandIns());
  // Like the real API: a created follow-up job is enqueued on its queue under the record's id.
  s.rig.api.onJobCreated = async (job) => {
    await s.rig.enqueue('video-generation', job.body.payload as Record<string, unknown>, { jobId: job.id });
  };
  // A few seconds of "rendering" in ten steps, so the progress is visible.
  s.comfy.behaviour.runMs = 3000;
  s.comfy.behaviour.steps = 10;
  s.llm.script(
    reply.completion('Chasing sunrise, one mile at a time.', { prompt: 40, completion: 12 }),
    reply.completion('0-3s: laces tied at dawn.\n3-6s: the city wakes up.', { prompt: 60, completion: 20 }),
  );
  say(introduction({ redisPort: s.rig.redis.port, apiUrl: s.rig.api.url, s3Endpoint: s.s3.endpoint, comfyUrl: s.comfy.url, llmUrl: s.llm.baseUrl }));
  // The real ffmpeg, not the tests' crash-once wrapper.
  const { FFMPEG_PATH: _path, FFMPEG_SEGV_MARKER: _marker, ...env } = s.env;
  supervisor = startSupervisor({ ...env, LOG_LEVEL: 'info' });
  await supervisor.waitForLog('ready', (line) => line.message === 'supervisor ready', 30_000);
  say(`supervisor running (pid ${supervisor.pid}); its log goes to ${logFile}\n`);

  const { jobId } = await s.rig.enqueue('content-generation', { persona: { name: 'Ava', niche: 'running' }, context: 'morning run', durationSec: 6 });
  const writer = createProgressWriter(process.stdout, process.stdout.isTTY === true);
  const deadline = Date.now() + DEADLINE_MS;
  let current = views(s, jobId);
  const finished = (all: JobView[]): boolean => all.some((v) => v.status === 'failed') || (all.length === 2 && all.every((v) => v.status === 'succeeded'));
  while (!finished(current)) {
    if (Date.now() > deadline) throw new Error(`the jobs did not finish within ${DEADLINE_MS / 1000} s`);
    writer.update(current);
    await new Promise((resolve) => setTimeout(resolve, 100));
    current = views(s, jobId);
  }
  writer.update(current);
  const video = current[1];
  const final = video ? s.rig.api.patches(video.jobId).at(-1) : undefined;
  if (!video || final?.status !== 'succeeded') throw new Error(`a job failed: ${JSON.stringify(s.rig.api.patches((video ?? current[0])?.jobId ?? jobId).at(-1)?.result ?? {})}`);
  const { videoKey, videoUrl } = final.result as { videoKey: string; videoUrl: string };
  const localCopy = join(outputDir, `${video.jobId}.mp4`);
  await writeFile(localCopy, Buffer.from(await (await fetch(videoUrl)).arrayBuffer()));
  say(conclusion({ bucket: s.env.S3_BUCKET ?? 'assets', key: videoKey, url: videoUrl, localCopy, logFile, keep }));
}

try {
  await run();
  if (keep) {
    say('stand-ins still running; press Ctrl-C to stop them.');
    await new Promise(() => undefined);
  }
  await stopAll();
} catch (error) {
  // After Ctrl-C, whatever the run was doing fails as its servers go away; that is not news.
  if (!interrupted) process.stderr.write(`demo failed: ${(error as Error).message}\n${supervisor ? `(supervisor log: ${logFile})\n` : ''}`);
  await stopAll();
  process.exitCode = 1;
}
