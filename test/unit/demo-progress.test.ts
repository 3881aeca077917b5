import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderLine, viewOf } from '../../scripts/demo/progress.js';

describe('demo progress view', () => {
  test('a video job\'s bar moves through the stage bands and never backwards within an attempt', () => {
    const patches = [
      { status: 'running' },
      { status: 'running', result: { progress: { stage: 'generating', percent: 50 } } },
      { status: 'running', result: { progress: { stage: 'post-processing', percent: 0 } } },
      { status: 'running', result: { progress: { stage: 'generating' } } },
    ];
    assert.equal(viewOf('video-generation', 'j', patches.slice(0, 2)).percent, 30);
    assert.equal(viewOf('video-generation', 'j', patches.slice(0, 3)).percent, 55);
    assert.equal(viewOf('video-generation', 'j', patches).percent, 55, 'a late stage update does not move it back');
  });

  test('a retry resets the bar and shows as retrying; success fills it', () => {
    const retrying = viewOf('content-generation', 'j', [
      { status: 'running', result: { progress: { stage: 'script' } } },
      { status: 'running', result: { progress: { stage: 'retrying', attempt: 1 } } },
    ]);
    assert.equal(retrying.status, 'retrying');
    assert.equal(retrying.percent, 0);
    const done = viewOf('content-generation', 'abcdef123456', [{ status: 'running' }, { status: 'succeeded', result: {} }]);
    assert.equal(renderLine(done, 10), 'content-generation abcdef12  [##########] 100%  succeeded');
  });
});
