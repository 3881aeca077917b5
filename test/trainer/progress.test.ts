import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainerLine } from '../../src/trainer/progress.js';
import { createThrottledProgress } from '../../src/trainer/progress-reporter.js';
import { silentLogger } from '../../src/logger.js';

void describe('parseTrainerLine', () => {
  const cases: Array<[string, string, ReturnType<typeof parseTrainerLine>]> = [
    [
      'a kohya steps bar gives step, total, percent and loss',
      'steps:  45%|████▌     | 450/1000 [02:10<02:39, 3.45it/s, avr_loss=0.0712]',
      { step: 450, totalSteps: 1000, percent: 45, loss: 0.0712 },
    ],
    [
      'the first redraw without a rate or loss still gives the step',
      'steps:   0%|          | 0/1000 [00:00<?, ?it/s]',
      { step: 0, totalSteps: 1000, percent: 0 },
    ],
    [
      'percent is computed from the counts rather than the rounded bar',
      'steps:  33%|███▎      | 1/3 [00:01<00:02, 1.00it/s, avr_loss=1e-3]',
      { step: 1, totalSteps: 3, percent: 33.3, loss: 0.001 },
    ],
    ['an epoch line gives the epoch and the epoch count', 'epoch 2/10', { epoch: 2, totalEpochs: 10 }],
    ['an epoch line with a prefix is still read', '[rank0] Epoch 3/4', { epoch: 3, totalEpochs: 4 }],
    ['a caching bar without the steps description is ignored', '100%|██████████| 20/20 [00:01<00:00, 15.2it/s]', undefined],
    ['an ordinary log line carries no progress', 'INFO     loading model from /models/base.safetensors', undefined],
    ['the epoch-incremented notice is not an epoch line', 'epoch is incremented. current_epoch: 1, epoch: 2', undefined],
  ];
  for (const [name, line, expected] of cases) {
    void test(name, () => assert.deepEqual(parseTrainerLine(line), expected));
  }
});

void describe('createThrottledProgress', () => {
  void test('forwards the first update and merges later ones into at most one report per interval', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const progress = createThrottledProgress(async (value) => void sent.push(value), 100, silentLogger);
    progress.update({ epoch: 1, totalEpochs: 2 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let step = 1; step <= 5; step += 1) progress.update({ step, totalSteps: 5, percent: step * 20 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await progress.close();
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1], { stage: 'training', epoch: 1, totalEpochs: 2, step: 5, totalSteps: 5, percent: 100 });
  });

  void test('a failing report does not stop later reports', async () => {
    let calls = 0;
    const progress = createThrottledProgress(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('API down');
      },
      10,
      silentLogger,
    );
    progress.update({ step: 1 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    progress.update({ step: 2 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await progress.close();
    assert.equal(calls, 2);
  });
});
