/**
 * Sandboxed processor of the `lora-training` queue. Runs in a child process;
 * the trainer it spawns is recorded in the child's process-group registry so a
 * crashed child's trainer is swept by the supervisor.
 */
import { loadLoraTrainingConfig } from '../src/config/index.js';
import { createLogger } from '../src/logger.js';
import { createApiClient } from '../src/api/client.js';
import { createObjectStore } from '../src/storage/index.js';
import { parseLoraTrainingData, runLoraTraining } from '../src/jobs/lora-training/index.js';
import { createSandboxedProcessor } from '../src/sandbox/sandboxed-processor.js';
import { childRuntime } from '../src/sandbox/child-runtime.js';
import { pgroupDir, runDir } from '../src/supervisor/tmp-dir.js';

const config = loadLoraTrainingConfig(process.env);
const logger = createLogger({ ...config.worker.log, role: 'processor' });
const deps = {
  api: createApiClient({ baseUrl: config.worker.apiBaseUrl }),
  store: createObjectStore(config.s3),
  config: config.lora,
  registry: childRuntime().registry,
};

export default createSandboxedProcessor(
  {
    queue: 'lora-training',
    parse: parseLoraTrainingData,
    run: (input, ctx) => runLoraTraining(input, deps, ctx),
  },
  { logger, tmpRoot: runDir(config.worker.tmpDir, process.ppid), pgroupDir: pgroupDir(config.worker.tmpDir) },
);
