import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLoraTrainingData } from '../../src/jobs/lora-training/input.js';

void describe('parseLoraTrainingData', () => {
  void test('reads a full payload', () => {
    const input = parseLoraTrainingData({
      dataset: { path: 'cats', id: 'd1' },
      config: { baseModel: 'sd15', epochs: 3 },
      trainingName: 'cats_v1',
      outputDir: 'team/cats',
      timeoutMs: 60_000,
      dryRun: true,
      kohyaArgs: ['--seed=1'],
    });
    assert.deepEqual(input, {
      dataset: { kind: 'path', path: 'cats', field: 'dataset.path' },
      config: { kind: 'inline', settings: { baseModel: 'sd15', networkModule: 'networks.lora', epochs: 3 } },
      trainingName: 'cats_v1',
      outputDir: 'team/cats',
      timeoutMs: 60_000,
      dryRun: true,
      kohyaArgs: ['--seed=1'],
    });
  });

  void test('accepts ids for the dataset and the config', () => {
    const input = parseLoraTrainingData({ datasetId: 12, configId: 'cfg_1' });
    assert.deepEqual([input.dataset, input.config, input.dryRun], [{ kind: 'id', id: '12' }, { kind: 'id', id: 'cfg_1' }, false]);
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['unknown payload fields, naming them', { datasetId: 'd', configId: 'c', command: 'rm', cwd: '/' }, /unknown fields: command, cwd/],
    ['a payload without a dataset', { configId: 'c' }, /datasetPath is required/],
    ['two dataset sources at once', { datasetId: 'd', datasetPath: 'x', configId: 'c' }, /datasetPath\/datasetId are exclusive/],
    ['a payload without a config', { datasetId: 'd' }, /config is required/],
    ['a dataset id with a slash', { datasetId: '../x', configId: 'c' }, /datasetId must be an id/],
    ['a training name with a path separator', { datasetId: 'd', configId: 'c', trainingName: 'a/b' }, /trainingName must be a plain name/],
    ['a negative timeout', { datasetId: 'd', configId: 'c', timeoutMs: -1 }, /timeoutMs/],
    ['a string dryRun', { datasetId: 'd', configId: 'c', dryRun: 'yes' }, /dryRun must be a boolean/],
    ['kohyaArgs overriding the output dir', { datasetId: 'd', configId: 'c', kohyaArgs: ['--output_dir=/x'] }, /kohyaArgs\[0\] may not set --output_dir/],
    ['an unknown field inside dataset', { dataset: { path: 'x', root: '/' }, configId: 'c' }, /dataset has unknown fields: root/],
  ];
  for (const [name, payload, message] of refused) {
    void test(`rejects ${name}`, () => {
      assert.throws(() => parseLoraTrainingData(payload), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.name, 'UnrecoverableError');
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
