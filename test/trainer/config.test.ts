import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLoraConfig } from '../../src/config/lora.js';

void describe('loadLoraConfig', () => {
  void test('defaults to accelerate launch train_network.py with roots resolved to absolute paths', () => {
    const config = loadLoraConfig({ PATH: '/usr/bin', S3_SECRET_KEY: 's3cr3t', REDIS_PASSWORD: 'pw', HF_TOKEN: 't' }, '/srv/worker');
    assert.equal(config.trainerCommand, 'accelerate');
    assert.deepEqual(config.trainerArgsPrefix, ['launch']);
    assert.equal(config.trainerScript, 'train_network.py');
    assert.equal(config.kohyaDir, '/srv/worker');
    assert.equal(config.datasetRoot, '/srv/worker/data/datasets');
    assert.equal(config.outputRoot, '/srv/worker/data/loras');
    assert.equal(config.trainingTimeoutMs, 21_600_000);
    assert.equal(config.dryRun, false);
    assert.equal(config.killGraceMs, 10_000);
    assert.deepEqual(config.trainerEnv, { PATH: '/usr/bin', HF_TOKEN: 't', PYTHONUNBUFFERED: '1' });
  });

  void test('a plain python3 command gets no prefix, and "none" removes the script', () => {
    assert.deepEqual(loadLoraConfig({ LORA_TRAINER_COMMAND: '/usr/bin/python3' }, '/').trainerArgsPrefix, []);
    const fake = loadLoraConfig({ LORA_TRAINER_COMMAND: '/x/fake-trainer.mjs', LORA_TRAINER_SCRIPT: 'none' }, '/');
    assert.equal(fake.trainerScript, undefined);
    assert.deepEqual(loadLoraConfig({ LORA_TRAINER_ARGS_PREFIX: 'none' }, '/').trainerArgsPrefix, []);
    assert.deepEqual(
      loadLoraConfig({ LORA_TRAINER_ARGS_PREFIX: '["launch","--num_processes","2"]' }, '/').trainerArgsPrefix,
      ['launch', '--num_processes', '2'],
    );
  });

  void test('reads the flags and limits', () => {
    const config = loadLoraConfig({ LORA_TRAINING_DRY_RUN: '1', LORA_TRAINING_TIMEOUT_MS: '60000', LORA_KILL_GRACE_MS: '0' }, '/');
    assert.deepEqual([config.dryRun, config.trainingTimeoutMs, config.killGraceMs], [true, 60_000, 0]);
  });

  void test('names the variable when a value is invalid', () => {
    assert.throws(() => loadLoraConfig({ LORA_TRAINING_TIMEOUT_MS: 'soon' }, '/'), /LORA_TRAINING_TIMEOUT_MS/);
    assert.throws(() => loadLoraConfig({ LORA_TRAINER_ARGS_PREFIX: '[1,2]' }, '/'), /LORA_TRAINER_ARGS_PREFIX/);
  });
});
