/** Source clips for the bench rows, made by the real ffmpeg. */
import { execFile, spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A noisy portrait clip at a fixed 40 Mbit/s, so its size is predictable
 * (~5 MB per second): noise defeats the encoder's compression.
 */
export async function makeHeavyClip(path: string, seconds: number): Promise<number> {
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=720x1280:rate=30:duration=${seconds},noise=alls=30:allf=t`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '40M', '-maxrate', '40M', '-bufsize', '40M',
    '-c:a', 'aac', '-shortest', path,
  ]);
  return (await stat(path)).size;
}

/** `times` copies of `source` back to back, stream-copied (no re-encode, so it is quick). */
export async function concatCopies(source: string, times: number, path: string): Promise<number> {
  const list = `${path}.txt`;
  await writeFile(list, Array.from({ length: times }, () => `file '${source.replace(/'/g, "'\\''")}'`).join('\n'));
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', path]);
  return (await stat(path)).size;
}

/** Runs a command to completion (argv, no shell); rejects with the stderr tail on failure. */
export function runCommand(command: string, args: readonly string[]): Promise<void> {
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
