/**
 * Benchmarks of the post-processor (not a test):
 *  1. overhead: wall time of createVideoPostProcessor divided by the bare ffmpeg
 *     command it runs (same argv, same input, same machine, interleaved runs),
 *     target ≤ 1.10;
 *  2. memory: peak RSS of a node process post-processing a ~20 MB and a ~200 MB
 *     source, target difference ≤ 30 MB (the video must never pass through node).
 *
 * Run: npx tsc -p tsconfig.json && node dist/scripts/bench-ffmpeg.js
 * Env: BENCH_PRESET (default veryfast), BENCH_RUNS (default 3), BENCH_KEEP=1 keeps the temp dir.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFfmpegConfig, type FfmpegConfig } from '../src/config/ffmpeg.js';
import { createVideoPostProcessor } from '../src/media/post-processor.js';
import { buildEncodePlan, planToArgs } from '../src/media/encode-plan.js';

const settings = { preset: process.env.BENCH_PRESET ?? 'veryfast', runs: Number(process.env.BENCH_RUNS ?? 3) };

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${signal ?? `exit ${String(code)}`}: ${tail}`)),
    );
  });
}

/** A noisy 720p clip at a fixed bitrate, so its size is predictable (~5 MB/s). */
async function makeSource(path: string, seconds: number): Promise<number> {
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=${seconds},noise=alls=30:allf=t`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '40M', '-maxrate', '40M', '-bufsize', '40M',
    '-c:a', 'aac', '-shortest', path,
  ]);
  return (await stat(path)).size;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

async function overhead(config: FfmpegConfig, input: string, dir: string): Promise<void> {
  const bareArgs = planToArgs(buildEncodePlan(input, config, { hasAudio: true, conservative: false }), join(dir, 'bare.mp4'));
  const postProcess = createVideoPostProcessor(config);
  const bare: number[] = [];
  const wrapped: number[] = [];
  for (let i = 0; i < settings.runs; i += 1) {
    // Interleaved so drift (thermal, cache) hits both sides alike.
    bare.push(await timed(() => run(config.ffmpegPath, bareArgs)));
    wrapped.push(await timed(() => postProcess({ inputPath: input, outputPath: join(dir, 'post.mp4') })));
  }
  const ratio = median(wrapped) / median(bare);
  console.log(`bare command: ${config.ffmpegPath} ${bareArgs.join(' ')}`);
  console.log(`bare ffmpeg ms (median of ${settings.runs}): ${median(bare).toFixed(0)}  [${bare.map((v) => v.toFixed(0)).join(', ')}]`);
  console.log(`post-processor ms (median): ${median(wrapped).toFixed(0)}  [${wrapped.map((v) => v.toFixed(0)).join(', ')}]`);
  console.log(`overhead ratio: ${ratio.toFixed(3)} (target <= 1.10) ${ratio <= 1.1 ? 'OK' : 'OVER'}`);
}

/** Post-processes in a fresh node process and returns its peak RSS in MB. */
function childPeakRssMb(input: string, output: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, [self, '--child', input, output], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_PRESET: 'ultrafast' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const match = /maxRssKb=(\d+)/.exec(out);
      if (code === 0 && match) resolve(Number(match[1]) / 1024);
      else reject(new Error(`child exited ${String(code)}: ${out}`));
    });
  });
}

async function childMain(input: string, output: string): Promise<void> {
  const config = loadFfmpegConfig({ FFMPEG_VIDEO_PRESET: settings.preset });
  await createVideoPostProcessor(config)({ inputPath: input, outputPath: output });
  console.log(`maxRssKb=${process.resourceUsage().maxRSS}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ffmpeg-'));
  try {
    const config = loadFfmpegConfig({ FFMPEG_VIDEO_PRESET: settings.preset, FFMPEG_NICE: '0' });
    console.log(`ffmpeg ${config.ffmpegPath}, preset ${config.videoPreset}, frame ${config.width}x${config.height}`);
    const clip = join(dir, 'clip.mp4');
    console.log(`overhead source: ${((await makeSource(clip, 6)) / 1e6).toFixed(1)} MB`);
    await overhead(config, clip, dir);

    const small = join(dir, 'small.mp4');
    const large = join(dir, 'large.mp4');
    const smallSize = await makeSource(small, 4);
    const largeSize = await makeSource(large, 40);
    const smallRss = await childPeakRssMb(small, join(dir, 'small-out.mp4'));
    const largeRss = await childPeakRssMb(large, join(dir, 'large-out.mp4'));
    console.log(`peak RSS, ${(smallSize / 1e6).toFixed(0)} MB source: ${smallRss.toFixed(1)} MB`);
    console.log(`peak RSS, ${(largeSize / 1e6).toFixed(0)} MB source: ${largeRss.toFixed(1)} MB`);
    const diff = largeRss - smallRss;
    console.log(`RSS difference: ${diff.toFixed(1)} MB (target <= 30) ${diff <= 30 ? 'OK' : 'OVER'}`);
  } finally {
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

const [mode, input, output] = process.argv.slice(2);
const task = mode === '--child' && input && output ? childMain(input, output) : main();
task.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
