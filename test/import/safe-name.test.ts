import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { safeEntryPath } from '../../src/import/safe-name.js';

function ok(unsafeName: string): string {
  const r = safeEntryPath(unsafeName);
  if (!r.ok) throw new Error(`${JSON.stringify(unsafeName)} refused: ${r.reason}`);
  return r.path;
}

function refused(unsafeName: string): string {
  const r = safeEntryPath(unsafeName);
  if (r.ok) throw new Error(`${JSON.stringify(unsafeName)} accepted as ${r.path}`);
  return r.reason;
}

test('safeEntryPath: ordinary and ./-prefixed names (alpine minirootfs)', () => {
  assert.is(ok('etc/passwd'), '/etc/passwd');
  assert.is(ok('./etc/passwd'), '/etc/passwd');
  assert.is(ok('./usr/bin/'), '/usr/bin');
  assert.is(ok('usr/'), '/usr');
  assert.is(ok('a//b/./c/'), '/a/b/c');
  assert.is(ok('././a'), '/a');
  assert.is(ok('.hidden'), '/.hidden');
  assert.is(ok('...'), '/...');
  assert.is(ok('a/..b/c..'), '/a/..b/c..');
  assert.is(ok('.wh..wh..opq'), '/.wh..wh..opq');
});

test('safeEntryPath: "." and "./" name the layer root', () => {
  for (const root of ['.', './', './/', '././']) assert.is(ok(root), '/');
});

test('safeEntryPath keeps bytes that are not UTF-8', () => {
  const name = Buffer.from([0x61, 0xff, 0x2f, 0x80]).toString('latin1');
  assert.is(ok(name), `/${name}`);
});

test('safeEntryPath refuses names that climb out', () => {
  for (const bad of ['..', '../', '../etc/passwd', './../x', 'a/../../x', 'a/b/../../../c', '..//..']) {
    assert.is(refused(bad), 'name climbs out of the layer', bad);
  }
});

test('safeEntryPath refuses every ".." component, even one that stays inside', () => {
  for (const bad of ['a/../b', 'a/b/..', 'a/./../b/']) assert.is(refused(bad), 'name has a ".." component', bad);
});

test('safeEntryPath takes leading "/" off, as GNU tar does; "", "/", "." and "./" name the root', () => {
  const path = (name: string) => {
    const r = safeEntryPath(name);
    if (!r.ok) throw new Error(r.reason);
    return r.path;
  };
  assert.is(path('/etc/passwd'), '/etc/passwd');
  assert.is(path('//etc//x/'), '/etc/x');
  for (const root of ['', '/', '//', '.', './', '/./']) assert.is(path(root), '/', root);
  assert.is(refused('/../etc'), 'name climbs out of the layer');
  assert.is(refused('/a/../b'), 'name has a ".." component');
});

test('safeEntryPath refuses NUL names', () => {
  assert.is(refused('etc/pass\0wd'), 'name contains a NUL byte');
  assert.is(refused('\0'), 'name contains a NUL byte');
});

test.run();
