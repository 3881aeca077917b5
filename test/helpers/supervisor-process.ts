/**
 * Runs the real supervisor (`node dist/src/main.js`) as a child process of the
 * test, with its own environment, and collects its JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QUEUE_NAMES } from '../../src/queues.js';
import { waitFor } from './wait-for.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
export const FIXTURE_PROCESSORS = fileURLToPath(new URL('../fixtures/processors/', import.meta.url));

export type LogLine = Record<string, unknown> & { message?: string; level?: string };

export interface SupervisorProcess {
  pid: number;
  logs: LogLine[];
  stderr: string[];
  waitForLog(what: string, predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends a signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  exited: Promise<number | string>;
}

export function startSupervisor(env: Record<string, string>): SupervisorProcess {
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', MAIN], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ message: line, level: 'raw' });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    pid: child.pid ?? -1,
    logs,
    stderr,
    exited,
    waitForLog: (what, predicate, timeoutMs = 15_000) =>
      waitFor(`supervisor log: ${what}`, () => logs.find(predicate), timeoutMs),
    async stop(signal = 'SIGTERM', timeoutMs = 60_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result === 'timeout') child.kill('SIGKILL');
      return result;
    },
  };
}

/**
 * A processor directory whose three queue files all re-export one fixture, so
 * the real supervisor runs the fixture on every queue.
 */
export async function fixtureProcessorDir(fixture: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-test-processors-'));
  const target = pathToFileURL(join(FIXTURE_PROCESSORS, fixture)).href;
  for (const queue of QUEUE_NAMES) {
    await writeFile(join(dir, `${queue}.js`), `export { default } from ${JSON.stringify(target)};\n`);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The model-free ComfyUI workflow of comfyui-api.md §2.2, with the job id in the prefix. */
export const MINIMAL_WORKFLOW = {
  '1': { class_type: 'EmptyImage', inputs: { width: 288, height: 512, batch_size: 12, color: 16711680 } },
  '2': { class_type: 'EmptyImage', inputs: { width: 288, height: 512, batch_size: 12, color: 255 } },
  '3': { class_type: 'ImageBatch', inputs: { image1: ['1', 0], image2: ['2', 0] } },
  '4': { class_type: 'CreateVideo', inputs: { images: ['3', 0], fps: 24 } },
  '5': { class_type: 'SaveVideo', inputs: { video: ['4', 0], filename_prefix: 'influencerai/{{jobId}}', format: 'mp4', codec: 'h264' } },
};

/**
 * Environment for a supervisor on the test's Redis and API stand-in, fast
 * timings. The pipeline sections get harmless values so start-up validation
 * passes; end-to-end tests override them with their stand-ins.
 */
export function baseEnv(options: { redisPort: number; apiUrl: string; tmpDir: string; processorDir?: string; prefix?: string }): Record<string, string> {
  return {
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(options.redisPort),
    API_BASE_URL: options.apiUrl,
    WORKER_TMP_DIR: options.tmpDir,
    WORKER_LOCK_DURATION_MS: '3000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    WORKER_SHUTDOWN_TIMEOUT_MS: '3000',
    LOG_FORMAT: 'json',
    // Any free port on loopback: parallel test supervisors never collide on 3031.
    WORKER_MONITOR_HOST: '127.0.0.1',
    WORKER_MONITOR_PORT: '0',
    COMFYUI_VIDEO_WORKFLOW_JSON: JSON.stringify(MINIMAL_WORKFLOW),
    LLM_BASE_URL: 'http://127.0.0.1:9/v1',
    LORA_DATASET_ROOT: options.tmpDir,
    LORA_OUTPUT_ROOT: options.tmpDir,
    ...(options.processorDir ? { WORKER_PROCESSOR_DIR: options.processorDir } : {}),
    ...(options.prefix ? { BULL_PREFIX: options.prefix } : {}),
  };
}
