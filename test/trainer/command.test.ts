import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrainerCommand } from '../../src/trainer/command.js';
import { validateKohyaArgs } from '../../src/trainer/kohya-args.js';
import { parseTrainerSettings } from '../../src/trainer/settings.js';

const accelerate = { trainerCommand: 'accelerate', trainerArgsPrefix: ['launch'], trainerScript: 'train_network.py', kohyaDir: '/opt/kohya_ss' };
const base = { datasetDir: '/data/datasets/cats', outputDir: '/data/loras/job-1/attempt-1', outputName: 'lora', kohyaArgs: [] };

void describe('buildTrainerCommand', () => {
  void test('maps every config field to its kohya flag, in one argv entry each', () => {
    const settings = parseTrainerSettings(
      { baseModel: 'runwayml/sd15', learningRate: 0.0001, epochs: 10, batchSize: 2, resolution: '512,768', networkDim: 32, networkAlpha: 16, maxTrainSteps: 1000 },
      'config',
      true,
    );
    const command = buildTrainerCommand({ config: accelerate, settings, ...base, kohyaArgs: ['--seed=42', '--cache_latents'] });
    assert.deepEqual(command, {
      command: 'accelerate',
      cwd: '/opt/kohya_ss',
      args: [
        'launch',
        'train_network.py',
        '--pretrained_model_name_or_path=runwayml/sd15',
        '--train_data_dir=/data/datasets/cats',
        '--output_dir=/data/loras/job-1/attempt-1',
        '--output_name=lora',
        '--save_model_as=safetensors',
        '--network_module=networks.lora',
        '--learning_rate=0.0001',
        '--max_train_epochs=10',
        '--train_batch_size=2',
        '--resolution=512,768',
        '--network_dim=32',
        '--network_alpha=16',
        '--max_train_steps=1000',
        '--seed=42',
        '--cache_latents',
      ],
    });
  });

  void test('leaves out unset fields and defaults the network module', () => {
    const settings = parseTrainerSettings({ modelName: '/models/base.safetensors' }, 'config', true);
    const { args } = buildTrainerCommand({ config: { ...accelerate, trainerArgsPrefix: [], trainerScript: undefined }, settings, ...base });
    assert.deepEqual(args, [
      '--pretrained_model_name_or_path=/models/base.safetensors',
      '--train_data_dir=/data/datasets/cats',
      '--output_dir=/data/loras/job-1/attempt-1',
      '--output_name=lora',
      '--save_model_as=safetensors',
      '--network_module=networks.lora',
    ]);
  });
});

void describe('parseTrainerSettings', () => {
  void test('accepts numeric strings from API records and ignores their bookkeeping fields', () => {
    const settings = parseTrainerSettings({ id: 'c1', config: { baseModel: 'm', learningRate: '1e-4', resolution: 768 } }, 'LoRA config c1', false);
    assert.deepEqual(settings, { baseModel: 'm', networkModule: 'networks.lora', learningRate: 0.0001, resolution: '768' });
  });

  const refused: Array<[string, unknown, string]> = [
    ['a missing base model', { epochs: 1 }, 'config.baseModel'],
    ['a zero epoch count', { baseModel: 'm', epochs: 0 }, 'config.epochs'],
    ['a fractional batch size', { baseModel: 'm', batchSize: 1.5 }, 'config.batchSize'],
    ['a resolution that is not a size', { baseModel: 'm', resolution: '512x512' }, 'config.resolution'],
    ['a network module that is not a module name', { baseModel: 'm', networkModule: 'os; rm' }, 'config.networkModule'],
    ['an unknown inline field', { baseModel: 'm', learning_rate: 1 }, 'config'],
  ];
  for (const [name, raw, field] of refused) {
    void test(`refuses ${name}, naming ${field}`, () => {
      assert.throws(() => parseTrainerSettings(raw, 'config', true), { name: 'UnrecoverableError', code: 'INVALID_PAYLOAD', field });
    });
  }
});

void describe('validateKohyaArgs', () => {
  void test('keeps plain flags and flag=value entries, values with spaces included', () => {
    const args = ['--seed=1', '--xformers', '--optimizer_type=AdamW8bit', '--caption_extension=.txt', '--output_name=cats_v2', '--note=a b'];
    assert.deepEqual(validateKohyaArgs(args), args);
  });

  const refused: Array<[string, unknown, string]> = [
    ['--output_dir', ['--seed=1', '--output_dir=/etc'], 'kohyaArgs[1]'],
    ['--train_data_dir', ['--train_data_dir=/root'], 'kohyaArgs[0]'],
    ['--logging_dir', ['--logging_dir=/tmp/x'], 'kohyaArgs[0]'],
    ['an argparse abbreviation of --output_dir', ['--output_d=/etc'], 'kohyaArgs[0]'],
    ['a dataset config file', ['--dataset_config=/etc/x.toml'], 'kohyaArgs[0]'],
    ['an arguments file', ['--config_file=/tmp/args.toml'], 'kohyaArgs[0]'],
    ['an output name with a path separator', ['--output_name=../../x'], 'kohyaArgs[0]'],
    ['an output name that is absolute', ['--output_name=/etc/cron.d/x'], 'kohyaArgs[0]'],
    ['a newline', ['--seed=1\n--output_dir=/etc'], 'kohyaArgs[0]'],
    ['a NUL byte', ['--seed=1\0'], 'kohyaArgs[0]'],
    ['a bare value', ['/etc/passwd'], 'kohyaArgs[0]'],
    ['a single-dash flag', ['-o=/etc'], 'kohyaArgs[0]'],
    ['a non-string entry', [42], 'kohyaArgs[0]'],
    ['a string instead of an array', '--seed=1', 'kohyaArgs'],
  ];
  for (const [name, args, field] of refused) {
    void test(`refuses ${name}, naming ${field}`, () => {
      assert.throws(() => validateKohyaArgs(args), { name: 'UnrecoverableError', code: 'INVALID_PAYLOAD', field });
    });
  }
});
