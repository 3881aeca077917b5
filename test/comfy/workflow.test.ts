import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderWorkflow, seedFromJobId, uniquePrefix, validateWorkflowGraph, type WorkflowGraph } from '../../src/comfy/workflow.js';

const graph: WorkflowGraph = {
  '1': { class_type: 'TextNode', inputs: { text: 'Say {{caption}} then {{script}} as {{persona}} ({{context}})' } },
  '2': { class_type: 'Length', inputs: { seconds: '{{durationSec}}', seed: '{{seed}}', label: 'seed={{seed}}', link: ['1', 0] } },
  '5': { class_type: 'SaveVideo', inputs: { video: ['4', 0], filename_prefix: 'video/ComfyUI', format: 'mp4' }, _meta: { title: 'Save' } },
};
const values = { caption: 'Hi', script: 'Line', persona: 'Ava', context: 'beach', durationSec: 12, jobId: 'job/42', seed: 7 };

void describe('workflow rendering', () => {
  void test('placeholders inside strings are replaced by the job values', () => {
    const rendered = renderWorkflow(graph, values);
    assert.equal(rendered['1']?.inputs.text, 'Say Hi then Line as Ava (beach)');
    assert.equal(rendered['2']?.inputs.label, 'seed=7');
  });

  void test('an input that is exactly {{durationSec}} or {{seed}} becomes a number', () => {
    const rendered = renderWorkflow(graph, values);
    assert.equal(rendered['2']?.inputs.seconds, 12);
    assert.equal(rendered['2']?.inputs.seed, 7);
  });

  void test('links, other inputs and extra node keys are kept and the source graph is not modified', () => {
    const rendered = renderWorkflow(graph, values);
    assert.deepEqual(rendered['2']?.inputs.link, ['1', 0]);
    assert.deepEqual(rendered['5']?._meta, { title: 'Save' });
    assert.equal(graph['1']?.inputs.text, 'Say {{caption}} then {{script}} as {{persona}} ({{context}})');
  });

  void test('every filename_prefix is made unique to the job while keeping its subfolder', () => {
    const rendered = renderWorkflow(graph, values);
    assert.equal(rendered['5']?.inputs.filename_prefix, 'video/job_42_ComfyUI');
    assert.equal(uniquePrefix('ComfyUI', 'j1'), 'j1_ComfyUI');
    assert.equal(uniquePrefix('out/j1/x', 'j1'), 'out/j1/x');
  });

  void test('the seed derived from a job id is stable and differs between jobs', () => {
    assert.equal(seedFromJobId('a'), seedFromJobId('a'));
    assert.notEqual(seedFromJobId('a'), seedFromJobId('b'));
    assert.ok(seedFromJobId('a') >= 0 && seedFromJobId('a') < 2 ** 32);
  });
});

void describe('workflow validation', () => {
  void test('an API-format graph is accepted and missing inputs default to an empty object', () => {
    const result = validateWorkflowGraph({ '1': { class_type: 'EmptyImage' } });
    assert.ok('graph' in result);
    assert.deepEqual(result.graph['1']?.inputs, {});
  });

  void test('arrays, empty graphs and nodes without class_type are rejected with the node id', () => {
    assert.ok('problem' in validateWorkflowGraph([]));
    assert.ok('problem' in validateWorkflowGraph({}));
    const result = validateWorkflowGraph({ '1': { class_type: 'A', inputs: {} }, '7': { inputs: {} } });
    assert.ok('problem' in result && result.problem.includes('"7"'));
    assert.ok('problem' in validateWorkflowGraph({ '1': { class_type: 'A', inputs: [] } }));
  });
});
