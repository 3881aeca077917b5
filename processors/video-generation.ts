/**
 * Sandboxed processor for the `video-generation` queue (runs in a child process).
 * Placeholder until the pipeline lands: validates the envelope and returns a marker.
 */
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/logger.js';
import { createSandboxedProcessor } from '../src/sandbox/sandboxed-processor.js';
import { runDir } from '../src/supervisor/tmp-dir.js';

const config = loadConfig(process.env);

export default createSandboxedProcessor(
  {
    queue: 'video-generation',
    parse: (payload) => payload,
    run: async (_input, ctx) => ({ placeholder: true, jobId: ctx.jobId }),
  },
  {
    logger: createLogger({ ...config.worker.log, role: 'processor' }),
    tmpRoot: runDir(config.worker.tmpDir, process.ppid),
  },
);
