/**
 * Sandboxed processor of the `video-generation` queue. Runs in a child process:
 * ComfyUI waits, the download and ffmpeg happen here, never in the supervisor.
 */
import { loadVideoGenerationConfig } from '../src/config/index.js';
import { createLogger } from '../src/logger.js';
import { createComfyClient } from '../src/comfy/client.js';
import { createVideoPostProcessor } from '../src/media/index.js';
import { createObjectStore } from '../src/storage/index.js';
import { parseVideoGenerationData, runVideoGeneration } from '../src/jobs/video-generation/index.js';
import { createSandboxedProcessor } from '../src/sandbox/sandboxed-processor.js';
import { pgroupDir, runDir } from '../src/supervisor/tmp-dir.js';
import { sendTelemetry } from '../src/sandbox/child-telemetry.js';

const config = loadVideoGenerationConfig(process.env);
const logger = createLogger({ ...config.worker.log, role: 'processor' });
const deps = {
  comfy: createComfyClient({ baseUrl: config.comfy.apiUrl, clientId: config.comfy.clientId, timeoutMs: config.comfy.timeoutMs }),
  workflow: config.comfy.workflow,
  postProcess: createVideoPostProcessor(config.ffmpeg, { onCrash: (signal) => sendTelemetry({ event: 'ffmpeg-crash', signal }) }),
  store: createObjectStore(config.s3),
  config: config.comfy,
};

export default createSandboxedProcessor(
  {
    queue: 'video-generation',
    parse: parseVideoGenerationData,
    run: (input, ctx) => runVideoGeneration(input, deps, ctx),
  },
  { logger, tmpRoot: runDir(config.worker.tmpDir, process.ppid), pgroupDir: pgroupDir(config.worker.tmpDir) },
);
