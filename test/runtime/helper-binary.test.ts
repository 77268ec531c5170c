// helperPath: the helper is extracted into the store once, and checked before every use; a file
// that someone else could have planted or changed is replaced, never returned (docs/DESIGN.md §8).

import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { helperPath } from '../../src/runtime/helper/binary.js';
import { storePaths } from '../../src/store/paths.js';
import type { Store } from '../../src/store/store.js';
import { HELPER } from './helper-fixture.js';

const embedded = readFileSync(HELPER);
const digest = createHash('sha256').update(embedded).digest('hex');

function withStore(fn: (store: Store, expected: string) => void): () => void {
  return () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-helper-binary-'));
    // The helper is written in staging first, as every file of a store is.
    mkdirSync(join(root, 'staging'), { mode: 0o700 });
    try {
      fn({ root, paths: storePaths(root) }, join(root, 'helper', `strata-helper-${digest}`));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

function assertGood(path: string): void {
  const st = statSync(path);
  assert.is(st.mode & 0o777, 0o700);
  assert.is(st.uid, process.geteuid!());
  assert.is(statSync(join(path, '..')).mode & 0o777, 0o700);
  assert.ok(readFileSync(path).equals(embedded), 'the embedded bytes');
}

test('extracted on first use to a digest-keyed name, 0700 in a 0700 directory', withStore((store, expected) => {
  const path = helperPath(store);
  assert.is(path, expected);
  assertGood(path);
}));

test('a second use finds the same file and leaves it alone', withStore((store) => {
  const first = statSync(helperPath(store));
  const second = statSync(helperPath(store));
  assert.is(second.ino, first.ino);
  assert.is(second.mtimeMs, first.mtimeMs);
}));

test('changed bytes are replaced', withStore((store) => {
  const path = helperPath(store);
  writeFileSync(path, Buffer.concat([embedded.subarray(0, 1000), Buffer.from('planted')]));
  const ino = statSync(path).ino;
  assert.is(helperPath(store), path);
  assertGood(path);
  assert.is.not(statSync(path).ino, ino);
}));

test('a file writable by group or others is replaced', withStore((store) => {
  const path = helperPath(store);
  chmodSync(path, 0o722);
  helperPath(store);
  assertGood(path);
}));

test('a file owned by another user is replaced', withStore((store) => {
  const path = helperPath(store);
  chownSync(path, 65534, 65534);
  helperPath(store);
  assertGood(path);
}));

test('a symlink in its place is not followed, and is replaced', withStore((store, expected) => {
  const elsewhere = join(store.root, 'elsewhere');
  writeFileSync(elsewhere, embedded, { mode: 0o700 });
  mkdirSync(join(store.root, 'helper'), { mode: 0o700 });
  symlinkSync(elsewhere, expected);
  assert.is(helperPath(store), expected);
  assertGood(expected);
  assert.not.ok(lstatSync(expected).isSymbolicLink());
}));

test('a helper directory that others can write is made anew', withStore((store) => {
  const path = helperPath(store);
  const dir = join(path, '..');
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'planted'), 'x');
  helperPath(store);
  assertGood(path);
  assert.throws(() => statSync(join(dir, 'planted')));
}));

test('helpers of other versions are removed when this one is extracted', withStore((store) => {
  const dir = store.paths.helper;
  mkdirSync(dir, { mode: 0o700 });
  const old = join(dir, `strata-helper-${'0'.repeat(64)}`);
  writeFileSync(old, 'old version', { mode: 0o700 });
  helperPath(store);
  assert.throws(() => statSync(old));
}));

test('a store root that others can write is refused', withStore((store) => {
  chmodSync(store.root, 0o777);
  assert.throws(() => helperPath(store), /writable by it alone/);
}));

test.run();
