/**
 * Sandboxed processor of the `content-generation` queue. Runs in a child
 * process: builds its clients once per child, then runs the pipeline per job.
 */
import { loadContentGenerationConfig } from '../src/config/index.js';
import { createLogger } from '../src/logger.js';
import { createApiClient } from '../src/api/client.js';
import { createLlmClient, llmClientOptions } from '../src/llm/index.js';
import { createObjectStore } from '../src/storage/index.js';
import { parseContentGenerationData, runContentGeneration } from '../src/jobs/content-generation/index.js';
import { createSandboxedProcessor } from '../src/sandbox/sandboxed-processor.js';
import { pgroupDir, runDir } from '../src/supervisor/tmp-dir.js';

const config = loadContentGenerationConfig(process.env);
const logger = createLogger({ ...config.worker.log, role: 'processor' });
const deps = {
  llm: createLlmClient({ ...llmClientOptions(config.llm), logger }),
  store: createObjectStore(config.s3),
  api: createApiClient({ baseUrl: config.worker.apiBaseUrl }),
};

export default createSandboxedProcessor(
  {
    queue: 'content-generation',
    parse: parseContentGenerationData,
    run: (input, ctx) => runContentGeneration(input, deps, ctx),
  },
  { logger, tmpRoot: runDir(config.worker.tmpDir, process.ppid), pgroupDir: pgroupDir(config.worker.tmpDir) },
);
