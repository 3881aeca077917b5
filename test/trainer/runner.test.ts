import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildTrainerCommand, type TrainerCommand } from '../../src/trainer/command.js';
import { runTrainer, type RunTrainerOptions } from '../../src/trainer/runner.js';
import { findArtifacts } from '../../src/trainer/artifacts.js';
import { silentLogger } from '../../src/logger.js';
import { RecordingRegistry, createRoots, fakeTrainerConfig, groupMembers, pidFromLogs, waitGone } from './fakes.js';

type ErrorShape = Error & { code?: string; details?: { logTail?: string[]; pid?: number } };

void describe('runTrainer with the fake kohya trainer', () => {
  const roots = createRoots();
  const config = fakeTrainerConfig(roots);
  let runIndex = 0;
  before(() => mkdirSync(join(roots.datasetRoot, 'cats'), { recursive: true }));
  after(() => roots.cleanup());

  const commandFor = (mode: string, extra: string[] = []): { command: TrainerCommand; outputDir: string } => {
    runIndex += 1;
    const outputDir = join(roots.outputRoot, `run-${runIndex}`);
    mkdirSync(outputDir, { recursive: true });
    const command = buildTrainerCommand({
      config,
      settings: { baseModel: 'base', networkModule: 'networks.lora', maxTrainSteps: 8, epochs: 2 },
      datasetDir: join(roots.datasetRoot, 'cats'),
      outputDir,
      outputName: 'cats',
      kohyaArgs: [`--fake_mode=${mode}`, ...extra],
    });
    return { command, outputDir };
  };
  const options = (command: TrainerCommand, overrides: Partial<RunTrainerOptions> = {}): RunTrainerOptions => ({
    command,
    env: config.trainerEnv,
    timeoutMs: 10_000,
    killGraceMs: 300,
    signal: new AbortController().signal,
    onProgress: async () => undefined,
    progressIntervalMs: 10,
    logger: silentLogger,
    ...overrides,
  });
  const rejectsWith = async (promise: Promise<unknown>): Promise<ErrorShape> => {
    try {
      await promise;
    } catch (error) {
      return error as ErrorShape;
    }
    assert.fail('expected the trainer run to fail');
  };

  void test('a successful run reports parsed progress and leaves the LoRA files in the output dir', async () => {
    const { command, outputDir } = commandFor('ok', ['--note=two words']);
    const reports: Array<Record<string, unknown>> = [];
    const run = await runTrainer(options(command, { onProgress: async (p) => void reports.push(p) }));
    assert.ok(reports.length >= 1);
    assert.ok(reports.every((report) => report.stage === 'training'));
    assert.deepEqual(run.progress, { epoch: 2, totalEpochs: 2, step: 8, totalSteps: 8, percent: 100, loss: 0.025 });
    assert.ok(run.tail.some((line) => line.includes('"--note=two words"')), 'an argument with a space arrives as one argv entry');
    const artifacts = await findArtifacts(outputDir);
    assert.deepEqual(artifacts.map((a) => [a.filename, a.sizeBytes]), [['cats-000001.safetensors', 4096], ['cats.safetensors', 4096]]);
  });

  void test('death by SIGSEGV is a retryable TRAINER_CRASHED error carrying the log tail', async () => {
    const error = await rejectsWith(runTrainer(options(commandFor('segv').command)));
    assert.equal(error.name, 'RetryableJobError');
    assert.equal(error.code, 'TRAINER_CRASHED');
    assert.match(error.message, /killed by SIGSEGV/);
    assert.match(error.message, /about to crash/);
    assert.ok(error.details?.logTail?.some((line) => line.includes('about to crash')));
  });

  void test('a non-zero exit is a retryable TRAINER_FAILED error quoting the traceback', async () => {
    const error = await rejectsWith(runTrainer(options(commandFor('exit1').command)));
    assert.equal(error.name, 'RetryableJobError');
    assert.equal(error.code, 'TRAINER_FAILED');
    assert.match(error.message, /exited with code 1/);
    assert.match(error.message, /CUDA out of memory/);
  });

  void test('a hung trainer that ignores SIGTERM is killed at the timeout with its grandchild', async () => {
    const registry = new RecordingRegistry();
    const started = Date.now();
    const error = await rejectsWith(runTrainer(options(commandFor('hang').command, { timeoutMs: 600, registry })));
    assert.equal(error.code, 'TRAINER_TIMEOUT');
    assert.equal(error.name, 'RetryableJobError');
    assert.ok(Date.now() - started < 5000);
    const tail = error.details?.logTail ?? [];
    const pid = pidFromLogs(tail, 'pid');
    const grandchild = pidFromLogs(tail, 'grandchild');
    assert.ok(pid !== undefined && grandchild !== undefined, 'the fake trainer printed both pids');
    assert.deepEqual(await waitGone([pid, grandchild]), []);
    assert.deepEqual(groupMembers(pid), []);
    assert.equal(registry.size(), 0, 'the group is no longer registered');
  });

  void test('aborting the signal stops the trainer and rejects with AbortedError', async () => {
    const controller = new AbortController();
    const registry = new RecordingRegistry();
    const promise = runTrainer(options(commandFor('hang').command, { signal: controller.signal, registry }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pgid = registry.seen[0];
    assert.ok(pgid !== undefined);
    assert.ok(groupMembers(pgid).length >= 2, 'the trainer and its grandchild run before the abort');
    controller.abort(new Error('job cancelled'));
    const error = await rejectsWith(promise);
    assert.equal(error.name, 'AbortedError');
    assert.match(error.message, /job cancelled/);
    assert.deepEqual(groupMembers(pgid), []);
  });

  void test('a trainer that cannot be spawned is a TRAINER_NOT_STARTED error', async () => {
    const command = { command: join(roots.dir, 'no-such-trainer'), args: [], cwd: roots.dir };
    const error = await rejectsWith(runTrainer(options(command)));
    assert.equal(error.code, 'TRAINER_NOT_STARTED');
  });
});
