/** How processor children are started: BullMQ's child entry file and the Node flags. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerConfig } from '../config/index.js';

const GUARD = fileURLToPath(new URL('../sandbox/child-guard.js', import.meta.url));

/**
 * Flags for every child: the guard preloaded first (so even a processor that
 * never imports it exits with its supervisor), source maps for readable stacks,
 * and an optional heap cap. Set explicitly rather than inherited from the
 * supervisor's own execArgv (bullmq-sandbox.md §1.1).
 */
export function childExecArgv(config: Pick<WorkerConfig, 'childMaxOldSpaceMb'>): string[] {
  return [
    '--enable-source-maps',
    '--import',
    pathToFileURL(GUARD).href,
    ...(config.childMaxOldSpaceMb ? [`--max-old-space-size=${config.childMaxOldSpaceMb}`] : []),
  ];
}

/** BullMQ's entry point for forked children (`classes/main.js` next to its worker). */
export function bullmqChildMainFile(): string {
  const require = createRequire(import.meta.url);
  const workerEntry = require.resolve('bullmq');
  return join(dirname(workerEntry), 'classes', 'main.js');
}
