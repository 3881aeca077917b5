import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLoraTrainingData } from '../../src/jobs/lora-training/input.js';
import { runLoraTraining, type LoraTrainingDeps } from '../../src/jobs/lora-training/run.js';
import type { LoraConfig } from '../../src/config/lora.js';
import { createContext, createFakeApi, createFakeStore, createRoots, fakeTrainerConfig } from '../trainer/fakes.js';

type ErrorShape = Error & { code?: string; details?: { logTail?: string[] } };

void describe('runLoraTraining', () => {
  const roots = createRoots();
  const config = fakeTrainerConfig(roots);
  // Any spawn with this config fails loudly, so a test can prove nothing was started.
  const noSpawn: LoraConfig = { ...config, trainerCommand: join(roots.dir, 'must-not-run'), trainerScript: undefined };
  before(() => {
    mkdirSync(join(roots.datasetRoot, 'cats'), { recursive: true });
    mkdirSync(join(roots.dir, 'elsewhere'), { recursive: true });
  });
  after(() => roots.cleanup());

  const deps = (overrides: { config?: LoraConfig } = {}) => {
    const api = createFakeApi({ datasets: { ds1: 'cats' }, configs: { c1: { id: 'c1', config: { baseModel: 'base', maxTrainSteps: 6, epochs: 2 } } } });
    const store = createFakeStore();
    const built: LoraTrainingDeps = { api, store, config: overrides.config ?? config, progressIntervalMs: 5 };
    return Object.assign(built, { api, store });
  };
  const payload = (extra: Record<string, unknown> = {}) => ({
    datasetPath: 'cats',
    config: { baseModel: 'base', maxTrainSteps: 8, epochs: 2 },
    trainingName: 'cats',
    ...extra,
  });
  const failure = async (promise: Promise<unknown>): Promise<ErrorShape> => {
    try {
      await promise;
    } catch (error) {
      return error as ErrorShape;
    }
    assert.fail('expected the job to fail');
  };

  void test('trains, reports progress and uploads every .safetensors under lora-training/<jobId>/', async () => {
    const d = deps();
    const ctx = createContext({ jobId: 'job-ok', attempt: 2 });
    const result = await runLoraTraining(parseLoraTrainingData(payload()), d, ctx);
    assert.equal(result.outputDir, join(roots.outputRoot, 'cats', 'attempt-2'));
    assert.deepEqual(result.artifacts, [
      { key: 'lora-training/job-ok/cats-000001.safetensors', url: 'http://storage.test/bucket/lora-training/job-ok/cats-000001.safetensors?X-Amz-Signature=fake', filename: 'cats-000001.safetensors', sizeBytes: 4096 },
      { key: 'lora-training/job-ok/cats.safetensors', url: 'http://storage.test/bucket/lora-training/job-ok/cats.safetensors?X-Amz-Signature=fake', filename: 'cats.safetensors', sizeBytes: 4096 },
    ]);
    assert.ok(d.store.uploads.every((u) => u.contentType === 'application/octet-stream' && u.path.startsWith(result.outputDir)));
    assert.deepEqual(result.progress, { stage: 'completed', percent: 100 });
    assert.ok(result.logs.includes('model saved.'));
    assert.equal(result.command.cwd, roots.dir);
    const training = ctx.progress.filter((p) => p.stage === 'training' && typeof p.step === 'number');
    assert.ok(training.length >= 1, 'at least one parsed progress report');
    const last = training.at(-1);
    assert.equal(typeof last?.percent, 'number');
    assert.equal(typeof last?.loss, 'number');
  });

  void test('each attempt writes into a fresh directory, so files of an earlier attempt are never uploaded', async () => {
    const stale = join(roots.outputRoot, 'job-retry', 'attempt-1');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'half-written.safetensors'), 'partial');
    const d = deps();
    const result = await runLoraTraining(
      parseLoraTrainingData(payload({ trainingName: undefined })),
      d,
      createContext({ jobId: 'job-retry', attempt: 2 }),
    );
    assert.equal(result.outputDir, join(roots.outputRoot, 'job-retry', 'attempt-2'));
    assert.deepEqual(result.artifacts.map((a) => a.filename), ['lora-000001.safetensors', 'lora.safetensors']);
  });

  void test('a trainer crash fails the attempt with a retryable error carrying the log tail', async () => {
    const input = parseLoraTrainingData(payload({ kohyaArgs: ['--fake_mode=segv'] }));
    const error = await failure(runLoraTraining(input, deps(), createContext({ jobId: 'job-segv' })));
    assert.equal(error.name, 'RetryableJobError');
    assert.equal(error.code, 'TRAINER_CRASHED');
    assert.ok(error.details?.logTail?.some((line) => line.includes('about to crash')));
  });

  void test('an exit code 1 fails the attempt with TRAINER_FAILED', async () => {
    const input = parseLoraTrainingData(payload({ kohyaArgs: ['--fake_mode=exit1'] }));
    const error = await failure(runLoraTraining(input, deps(), createContext({ jobId: 'job-exit1' })));
    assert.equal(error.code, 'TRAINER_FAILED');
  });

  void test('payload timeoutMs stops a hung trainer and nothing is uploaded', async () => {
    const d = deps();
    const input = parseLoraTrainingData(payload({ kohyaArgs: ['--fake_mode=hang'], timeoutMs: 500 }));
    const error = await failure(runLoraTraining(input, d, createContext({ jobId: 'job-hang' })));
    assert.equal(error.code, 'TRAINER_TIMEOUT');
    assert.equal(d.store.uploads.length, 0);
  });

  void test('cancelling the job through ctx.signal stops the trainer', async () => {
    const ctx = createContext({ jobId: 'job-cancel' });
    const promise = runLoraTraining(parseLoraTrainingData(payload({ kohyaArgs: ['--fake_mode=slow'] })), deps(), ctx);
    setTimeout(() => ctx.controller.abort(new Error('cancelled by user')), 250);
    const error = await failure(promise);
    assert.equal(error.name, 'AbortedError');
  });

  void test('exit code 0 without a .safetensors file is a clear NO_ARTIFACTS error', async () => {
    const input = parseLoraTrainingData(payload({ kohyaArgs: ['--fake_mode=nothing'] }));
    const error = await failure(runLoraTraining(input, deps(), createContext({ jobId: 'job-nothing' })));
    assert.equal(error.code, 'NO_ARTIFACTS');
    assert.match(error.message, /no \.safetensors/);
  });

  void test('a dry run returns the command, reports it and spawns nothing', async () => {
    const ctx = createContext({ jobId: 'job-dry' });
    const result = await runLoraTraining(parseLoraTrainingData(payload({ dryRun: true, trainingName: 'dry' })), deps({ config: noSpawn }), ctx);
    assert.equal(result.dryRun, true);
    assert.equal(result.command.command, noSpawn.trainerCommand);
    assert.ok(result.command.args.includes(`--train_data_dir=${join(roots.datasetRoot, 'cats')}`));
    assert.deepEqual(result.artifacts, []);
    assert.equal(existsSync(result.outputDir), false);
    assert.deepEqual(ctx.progress, [{ stage: 'dry-run', percent: 100, command: result.command }]);
    const viaConfig = await runLoraTraining(parseLoraTrainingData(payload()), deps({ config: { ...noSpawn, dryRun: true } }), createContext());
    assert.equal(viaConfig.dryRun, true);
  });

  const escapes: Array<[string, Record<string, unknown>, string]> = [
    ['a dataset path with ..', { datasetPath: '../elsewhere' }, 'datasetPath'],
    ['an absolute dataset path elsewhere', { datasetPath: join(roots.dir, 'elsewhere') }, 'datasetPath'],
    ['a dataset.path through an escaping symlink', { datasetPath: undefined, dataset: { path: 'link-out' } }, 'dataset.path'],
    ['an output dir with ..', { outputDir: '../../elsewhere' }, 'outputDir'],
    ['an absolute output dir elsewhere', { outputDir: '/tmp' }, 'outputDir'],
    ['an output dir through an escaping symlink', { outputDir: 'out-link/x' }, 'outputDir'],
  ];
  for (const [name, extra, field] of escapes) {
    void test(`refuses ${name} as unrecoverable without spawning anything`, async () => {
      mkdirSync(roots.outputRoot, { recursive: true });
      if (!existsSync(join(roots.datasetRoot, 'link-out'))) {
        const { symlinkSync } = await import('node:fs');
        symlinkSync(join(roots.dir, 'elsewhere'), join(roots.datasetRoot, 'link-out'));
        symlinkSync(join(roots.dir, 'elsewhere'), join(roots.outputRoot, 'out-link'));
      }
      const error = await failure(
        runLoraTraining(parseLoraTrainingData(payload(extra)), deps({ config: noSpawn }), createContext({ jobId: 'job-escape' })),
      );
      assert.equal(error.name, 'UnrecoverableError');
      assert.equal(error.code, 'PATH_OUTSIDE_ROOT');
      assert.match(error.message, new RegExp(`^${field.replace('.', '\\.')} `));
      assert.equal(existsSync(join(roots.dir, 'elsewhere', 'attempt-1')), false);
      assert.equal(existsSync(join(roots.dir, 'elsewhere', 'x')), false);
    });
  }

  void test('a datasetId and configId are resolved through the API', async () => {
    const d = deps();
    const input = parseLoraTrainingData({ datasetId: 'ds1', configId: 'c1', dryRun: true });
    const result = await runLoraTraining(input, d, createContext({ jobId: 'job-ids' }));
    assert.deepEqual(d.api.calls, ['GET /lora-configs/c1', 'GET /datasets/ds1']);
    assert.ok(result.command.args.includes('--max_train_steps=6'));
    assert.ok(result.command.args.includes(`--train_data_dir=${join(roots.datasetRoot, 'cats')}`));
  });

  void test('a 404 from the API for the dataset or the config is unrecoverable', async () => {
    for (const payloadIds of [{ datasetId: 'missing', configId: 'c1' }, { datasetId: 'ds1', configId: 'missing' }]) {
      const error = await failure(runLoraTraining(parseLoraTrainingData(payloadIds), deps({ config: noSpawn }), createContext()));
      assert.equal(error.name, 'UnrecoverableError');
      assert.equal(error.code, 'API_HTTP_404');
    }
  });

  void test('a dataset directory that does not exist is refused before spawning', async () => {
    const error = await failure(runLoraTraining(parseLoraTrainingData(payload({ datasetPath: 'dogs' })), deps({ config: noSpawn }), createContext()));
    assert.equal(error.code, 'DATASET_NOT_FOUND');
  });
});
