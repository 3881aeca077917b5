import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAuthorized, parseBasicAuth } from '../../src/monitor/basic-auth.js';

const header = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const expected = { user: 'ops', password: 's3cret:with:colons' };

describe('dashboard basic auth', () => {
  test('the exact user and password are accepted, including colons in the password', () => {
    assert.equal(isAuthorized(header('ops', 's3cret:with:colons'), expected), true);
    assert.deepEqual(parseBasicAuth(header('a', 'b:c')), { user: 'a', password: 'b:c' });
  });

  test('a wrong user, a wrong password, a prefix of the password or an empty one are refused', () => {
    assert.equal(isAuthorized(header('admin', 's3cret:with:colons'), expected), false);
    assert.equal(isAuthorized(header('ops', 'wrong'), expected), false);
    assert.equal(isAuthorized(header('ops', 's3cret'), expected), false);
    assert.equal(isAuthorized(header('ops', ''), expected), false);
  });

  test('missing, non-basic and malformed headers are refused', () => {
    assert.equal(isAuthorized(undefined, expected), false);
    assert.equal(isAuthorized('', expected), false);
    assert.equal(isAuthorized('Bearer abc', expected), false);
    assert.equal(isAuthorized('Basic %%%', expected), false);
    assert.equal(isAuthorized(`Basic ${Buffer.from('no-colon').toString('base64')}`, expected), false);
  });
});
