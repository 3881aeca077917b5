/**
 * Start-up check of the compiled processor files. BullMQ only loads a processor
 * when the first job arrives, so a broken deploy would fail (and burn attempts
 * of) every queued job (bullmq-sandbox.md §1.3). Each file is imported once in a
 * short-lived child process, exactly as a sandboxed child would, before any
 * Worker is created.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export class ProcessorLoadError extends Error {
  override readonly name = 'ProcessorLoadError';
}

const CHECKER = fileURLToPath(new URL('../sandbox/check-processor.js', import.meta.url));

/** Resolves when the file exists and its default export is a function; rejects with the reason. */
export async function checkProcessorFile(file: string, execArgv: readonly string[], timeoutMs = 30_000): Promise<void> {
  if (!existsSync(file)) {
    throw new ProcessorLoadError(`processor file ${file} does not exist (did you run npm run build?)`);
  }
  const output: string[] = [];
  const child = spawn(process.execPath, [...execArgv, CHECKER, pathToFileURL(file).href], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  }).finally(() => clearTimeout(timer));
  if (code === 0) return;
  const reason = lastMeaningfulLine(output.join('')) ?? (signal ? `killed by ${signal}` : `exit code ${String(code)}`);
  throw new ProcessorLoadError(`processor file ${file} failed to load: ${reason}`);
}

function lastMeaningfulLine(text: string): string | undefined {
  const marked = text.split('\n').find((line) => line.startsWith('PROCESSOR_LOAD_ERROR '));
  if (marked) return marked.slice('PROCESSOR_LOAD_ERROR '.length);
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.at(-1);
}
