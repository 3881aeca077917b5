/**
 * A private redis-server for one test file: its own port and data dir, never the
 * shared 6379. It can be stopped and started again on the same port (AOF on
 * when asked, so queue state survives a restart like in production).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface TestRedis {
  host: string;
  port: number;
  /** A new client (maxRetriesPerRequest null, as BullMQ needs); caller disconnects it. */
  client(): Redis;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server for good and removes its data dir. */
  destroy(): Promise<void>;
}

export async function startRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'worker-test-redis-'));
  let server: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    server = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
      '--appendonly', options.appendOnly ? 'yes' : 'no', '--maxmemory-policy', 'noeviction',
    ], { stdio: 'ignore' });
    await waitFor('redis-server to answer PING', async () => {
      const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, 10_000, 50);
  };

  const stop = async (): Promise<void> => {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    client: () => new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null }),
    stop,
    start,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
