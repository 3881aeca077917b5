import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedVariables, readEnvFile, withEnvFile } from '../../src/config/env-file.js';
import { ConfigError } from '../../src/config/index.js';

describe('WORKER_ENV_FILE', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'worker-test-envfile-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  test('dotenv syntax is read: comments, quotes and export prefixes', async () => {
    const file = join(dir, 'a.env');
    await writeFile(file, '# concurrency\nexport VIDEO_GENERATION_CONCURRENCY=2\nLOG_LEVEL="debug"\nEMPTY=\n');
    assert.deepEqual(await readEnvFile(file), { VIDEO_GENERATION_CONCURRENCY: '2', LOG_LEVEL: 'debug', EMPTY: '' });
  });

  test('the file\'s values override the environment, and the file cannot name another file', async () => {
    const file = join(dir, 'b.env');
    await writeFile(file, 'VIDEO_GENERATION_CONCURRENCY=3\nWORKER_ENV_FILE=/elsewhere.env\n');
    const result = await withEnvFile({ WORKER_ENV_FILE: file, VIDEO_GENERATION_CONCURRENCY: '1', REDIS_HOST: 'redis' });
    assert.equal(result.path, file);
    assert.deepEqual(result.fileValues, { VIDEO_GENERATION_CONCURRENCY: '3' });
    assert.deepEqual(result.env, { WORKER_ENV_FILE: file, VIDEO_GENERATION_CONCURRENCY: '3', REDIS_HOST: 'redis' });
  });

  test('without WORKER_ENV_FILE the environment is returned unchanged', async () => {
    const env = { REDIS_HOST: 'redis', WORKER_ENV_FILE: '' };
    assert.deepEqual(await withEnvFile(env), { env, fileValues: {}, path: undefined });
  });

  test('a missing file is a configuration error naming WORKER_ENV_FILE and the path', async () => {
    const missing = join(dir, 'missing.env');
    await assert.rejects(withEnvFile({ WORKER_ENV_FILE: missing }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.variables, ['WORKER_ENV_FILE']);
      assert.match(error.message, new RegExp(`cannot read "${missing}" \\(ENOENT\\)`));
      return true;
    });
  });

  test('changed variables are named, unset and empty counting as the same', () => {
    assert.deepEqual(
      changedVariables({ A: '1', B: '2', C: '', D: 'x' }, { A: '1', B: '3', E: 'new', D: 'x' }),
      ['B', 'E'],
    );
  });
});
