import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHistory, parseQueue, promptOutcome } from '../../src/comfy/history.js';
import { describeOutputs, findVideoOutput } from '../../src/comfy/outputs.js';
import { describePromptRejection, parsePromptRejection } from '../../src/comfy/prompt-errors.js';

const id = 'p-1';
const entry = (status: unknown, outputs: unknown = {}) => ({ [id]: { prompt: [0, id, {}, {}, ['5']], outputs, status, meta: {} } });

void describe('history parsing', () => {
  void test('an empty object means the prompt is pending, running or unknown', () => {
    assert.equal(parseHistory({}, id), undefined);
    assert.equal(parseHistory({ other: {} }, id), undefined);
    assert.equal(parseHistory('nonsense', id), undefined);
  });

  void test('a successful entry is a success with its outputs', () => {
    const parsed = parseHistory(entry({ status_str: 'success', completed: true, messages: [['execution_start', { prompt_id: id }]] }, { '5': { images: [] } }), id);
    assert.ok(parsed);
    assert.deepEqual(Object.keys(parsed.outputs), ['5']);
    assert.deepEqual(promptOutcome(parsed), { kind: 'success' });
  });

  void test('an execution_error names the node type and the exception message', () => {
    const error = { prompt_id: id, node_id: '3', node_type: 'KSampler', exception_type: 'RuntimeError', exception_message: 'CUDA out of memory', traceback: [] };
    const parsed = parseHistory(entry({ status_str: 'error', completed: false, messages: [['execution_error', error]] }), id);
    assert.ok(parsed);
    assert.deepEqual(promptOutcome(parsed), { kind: 'error', nodeId: '3', nodeType: 'KSampler', exceptionType: 'RuntimeError', exceptionMessage: 'CUDA out of memory' });
  });

  void test('an interrupt is told apart from an error by its message although status_str is error', () => {
    const parsed = parseHistory(entry({ status_str: 'error', completed: false, messages: [['execution_interrupted', { node_id: '4', node_type: 'CreateVideo' }]] }), id);
    assert.ok(parsed);
    assert.deepEqual(promptOutcome(parsed), { kind: 'interrupted', nodeId: '4', nodeType: 'CreateVideo' });
  });

  void test('queue items are read as [number, prompt_id, graph, extra, outputs]', () => {
    assert.deepEqual(parseQueue({ queue_running: [[3, 'a', {}, {}, []]], queue_pending: [[4, 'b', {}, {}, []], 'junk'] }), { running: ['a'], pending: ['b'] });
    assert.deepEqual(parseQueue(undefined), { running: [], pending: [] });
  });
});

void describe('finding the video in outputs', () => {
  void test('SaveVideo puts the mp4 under images next to animated, which is skipped', () => {
    const video = findVideoOutput({ '8': { images: [{ filename: 'x_00001_.mp4', subfolder: 'video', type: 'output' }], animated: [true] } });
    assert.equal(video?.filename, 'x_00001_.mp4');
    assert.equal(video?.subfolder, 'video');
  });

  void test('VideoHelperSuite gifs entries are recognised by their video format', () => {
    const video = findVideoOutput({ '9': { gifs: [{ filename: 'AnimateDiff_00001', subfolder: '', type: 'output', format: 'video/h264-mp4' }] } });
    assert.equal(video?.filename, 'AnimateDiff_00001');
  });

  void test('an output file is preferred over a temp preview', () => {
    const video = findVideoOutput({
      '1': { images: [{ filename: 'prev.webm', subfolder: '', type: 'temp' }] },
      '2': { videos: [{ filename: 'final.MOV', subfolder: 'v', type: 'output' }] },
    });
    assert.equal(video?.filename, 'final.MOV');
  });

  void test('no video yields undefined and a description of what was there', () => {
    const outputs = { '9': { images: [{ filename: 'a.png', subfolder: '', type: 'output' }] }, '3': { audio: [{ filename: 'b.flac', subfolder: '', type: 'temp' }] } };
    assert.equal(findVideoOutput(outputs), undefined);
    assert.equal(describeOutputs(outputs), 'node 3 audio: b.flac (temp); node 9 images: a.png (output)');
    assert.equal(describeOutputs({}), 'no outputs at all');
  });
});

void describe('prompt rejection', () => {
  void test('a failed validation names ComfyUI message, the node, its class and the failing input', () => {
    const body = {
      error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} },
      node_errors: { '5': { errors: [{ type: 'required_input_missing', message: 'Required input is missing', details: 'video', extra_info: { input_name: 'video' } }], dependent_outputs: ['5'], class_type: 'SaveVideo' } },
    };
    const text = describePromptRejection(parsePromptRejection(body));
    assert.equal(text, 'prompt_outputs_failed_validation: Prompt outputs failed validation; node 5 (SaveVideo): required_input_missing video Required input is missing');
  });

  void test('an invalid prompt without node errors keeps the message and its details', () => {
    const body = { error: { type: 'invalid_prompt', message: 'Cannot execute because node NoSuchNode does not exist.', details: "Node ID '#1'", extra_info: {} }, node_errors: {} };
    assert.equal(describePromptRejection(parsePromptRejection(body)), "invalid_prompt: Cannot execute because node NoSuchNode does not exist. (Node ID '#1')");
  });
});
