import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isFinalFailure, summarizeFailure, crashSignal } from '../../src/lifecycle/failure.js';
import { apiJobId, successUpdate } from '../../src/lifecycle/lifecycle.js';

describe('failure classification', () => {
  test('a failure is final when unrecoverable, out of attempts, or finished', () => {
    assert.equal(isFinalFailure({ name: 'Error' }, { attemptsMade: 1, attempts: 3 }), false);
    assert.equal(isFinalFailure({ name: 'UnrecoverableError' }, { attemptsMade: 1, attempts: 3 }), true);
    assert.equal(isFinalFailure({ name: 'Error' }, { attemptsMade: 3, attempts: 3 }), true);
    assert.equal(isFinalFailure({ name: 'Error' }, { attemptsMade: 1, attempts: 3, finishedOn: 1700000000000 }), true);
  });

  test("BullMQ's child-exit message becomes a crash naming the signal or the exit code", () => {
    const bySignal = summarizeFailure({ message: 'Unexpected exit code: null signal: SIGSEGV' });
    assert.equal(bySignal.code, 'CHILD_CRASHED');
    assert.match(bySignal.message, /killed by SIGSEGV/);
    assert.deepEqual(bySignal.details, { exitCode: null, signal: 'SIGSEGV' });
    const byCode = summarizeFailure({ message: 'Unexpected exit code: 1 signal: null' });
    assert.match(byCode.message, /exited with code 1/);
    assert.equal(crashSignal({ message: 'Unexpected exit code: null signal: SIGKILL' }), 'SIGKILL');
    assert.equal(crashSignal({ message: 'Unexpected exit code: 1 signal: null' }), 'exit-1');
    assert.equal(crashSignal({ message: 'boom' }), undefined);
  });

  test('stall and crash-loop limits get codes of their own', () => {
    assert.equal(summarizeFailure({ message: 'job stalled more than allowable limit' }).code, 'JOB_STALLED');
    assert.equal(summarizeFailure({ message: 'job started more than allowable limit' }).code, 'TOO_MANY_STARTS');
  });

  test("a processor error keeps its code and details, and gets a default code when it has none", () => {
    assert.deepEqual(summarizeFailure({ message: 'bad node', code: 'COMFY_INVALID_PROMPT', details: { nodes: ['3'] } }), {
      message: 'bad node', code: 'COMFY_INVALID_PROMPT', details: { nodes: ['3'] },
    });
    assert.equal(summarizeFailure({ message: 'x' }).code, 'PROCESSOR_ERROR');
  });

  test('only a non-empty string jobId is used for status sync', () => {
    assert.equal(apiJobId({ data: { jobId: 'abc', payload: {} } }), 'abc');
    assert.equal(apiJobId({ data: { jobId: '', payload: {} } }), undefined);
    assert.equal(apiJobId({ data: { jobId: 7, payload: {} } }), undefined);
    assert.equal(apiJobId({ data: [1] }), undefined);
  });

  test('costTok is lifted from the result to the top level of the succeeded update', () => {
    assert.deepEqual(successUpdate({ caption: 'c', costTok: 12 }), { status: 'succeeded', result: { caption: 'c' }, costTok: 12 });
    assert.deepEqual(successUpdate({ a: 1 }), { status: 'succeeded', result: { a: 1 } });
    assert.deepEqual(successUpdate(null), { status: 'succeeded', result: { value: null } });
  });
});
