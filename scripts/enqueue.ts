/**
 * `npm run enqueue -- <queue> '<payload json>'`: adds one job the way the
 * platform API does and prints its jobId. Reads the same environment as the worker.
 */
import { Redis } from 'ioredis';
import { loadWorkerConfig, ConfigError } from '../src/config/index.js';
import { enqueueJob } from '../src/enqueue.js';
import { QUEUE_NAMES, isQueueName } from '../src/queues.js';
import { isPlainObject } from '../src/errors/job-errors.js';

function fail(message: string): never {
  process.stderr.write(`${message}\nusage: npm run enqueue -- <${QUEUE_NAMES.join('|')}> '<payload json>'\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const [queue, payloadText = '{}'] = process.argv.slice(2);
  if (!queue || !isQueueName(queue)) fail(`unknown queue "${queue ?? ''}"`);
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    fail('payload is not valid JSON');
  }
  if (!isPlainObject(payload)) fail('payload must be a JSON object');
  let settings;
  try {
    settings = loadWorkerConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const connection = new Redis({ ...settings.redis, maxRetriesPerRequest: 3 });
  try {
    const { jobId } = await enqueueJob(queue, payload, {
      connection,
      prefix: settings.bullPrefix,
      attempts: settings.jobAttempts,
      backoffDelayMs: settings.jobBackoffDelayMs,
    });
    process.stdout.write(`${jobId}\n`);
  } finally {
    connection.disconnect();
  }
}

await main();
