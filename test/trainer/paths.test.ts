import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInside } from '../../src/trainer/paths.js';

void describe('resolveInside', () => {
  let dir = '';
  let root = '';
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'paths-test-')));
    root = join(dir, 'root');
    mkdirSync(join(root, 'cats'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    symlinkSync(join(dir, 'outside'), join(root, 'escape'));
    symlinkSync(join(root, 'cats'), join(root, 'alias'));
    symlinkSync(join(dir, 'missing'), join(root, 'dangling'));
    symlinkSync(root, join(dir, 'root-link'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void test('resolves a relative path inside the root', () => {
    assert.equal(resolveInside(root, 'cats', 'datasetPath'), join(root, 'cats'));
  });

  void test('accepts a path that does not exist yet', () => {
    assert.equal(resolveInside(root, 'new/attempt-1', 'outputDir'), join(root, 'new', 'attempt-1'));
  });

  void test('accepts an absolute path inside the root, even spelled through a symlinked root', () => {
    assert.equal(resolveInside(root, join(root, 'cats'), 'datasetPath'), join(root, 'cats'));
    assert.equal(resolveInside(join(dir, 'root-link'), join(dir, 'root-link', 'cats'), 'datasetPath'), join(root, 'cats'));
  });

  void test('follows a symlink that stays inside the root to its real path', () => {
    assert.equal(resolveInside(root, 'alias', 'datasetPath'), join(root, 'cats'));
  });

  const refused: Array<[string, () => string]> = [
    ['a parent-directory escape', () => '../outside'],
    ['a ".." that would stay inside', () => 'cats/../cats'],
    ['an absolute path elsewhere', () => '/etc'],
    ['a symlink that escapes the root', () => 'escape'],
    ['a path below a symlink that escapes the root', () => 'escape/new-dir'],
    ['a dangling symlink', () => 'dangling/x'],
    ['the root itself', () => '.'],
    ['an empty path', () => ''],
  ];
  for (const [name, candidate] of refused) {
    void test(`refuses ${name} as PATH_OUTSIDE_ROOT naming the field`, () => {
      assert.throws(() => resolveInside(root, candidate(), 'datasetPath'), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.name, 'UnrecoverableError');
        assert.equal((error as Error & { code: string }).code, 'PATH_OUTSIDE_ROOT');
        assert.match(error.message, /^datasetPath /);
        return true;
      });
    });
  }
});
