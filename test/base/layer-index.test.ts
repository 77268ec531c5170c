// parseIndex reads an index back from the store, where it is untrusted: every row's shape is
// checked, and a path that climbs out of the layer is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIndex, serializeIndex, type IndexEntry, type LayerIndex } from '../../src/base/layer-index.js';
import type { BytePath } from '../../src/base/byte-path.js';

const entry = (path: string, over: Partial<IndexEntry> = {}): IndexEntry => ({
  path: path as BytePath, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, mtime: 1700000000, digest: `xxh128:${'0'.repeat(32)}`, ...over,
});

function indexOf(entries: IndexEntry[], whiteouts: string[] = [], opaque: string[] = []): LayerIndex {
  return {
    entries: new Map(entries.map((e) => [e.path, e])),
    whiteouts: new Set(whiteouts as BytePath[]),
    opaque: new Set(opaque as BytePath[]),
  };
}

test('an index strata wrote reads back the same', () => {
  const index = indexOf([entry('/', { type: 'dir', size: 0, digest: undefined }), entry('/caf\xc3\xa9'), entry('/l', { type: 'symlink', size: 0, digest: undefined, linkTarget: '../../anywhere' })], ['/gone'], ['/']);
  assert.is(serializeIndex(parseIndex(serializeIndex(index))), serializeIndex(index));
});

test('a path that climbs, is relative, or holds a NUL is refused, in entries, hardlinks, whiteouts and opaque dirs', () => {
  for (const path of ['/etc/../../../etc/shadow', '/..', 'etc/passwd', '/a//b', '/a/./b', '/a/', '/a\0b', '']) {
    assert.throws(() => parseIndex(serializeIndex(indexOf([entry(path)]))), /not a path inside the layer/, JSON.stringify(path));
    assert.throws(() => parseIndex(serializeIndex(indexOf([entry('/a', { hardlinkOf: path as BytePath })]))), /hardlink target/, JSON.stringify(path));
    assert.throws(() => parseIndex(serializeIndex(indexOf([], [path]))), /not a path inside the layer/, JSON.stringify(path));
    assert.throws(() => parseIndex(serializeIndex(indexOf([], [], [path]))), /not a path inside the layer/, JSON.stringify(path));
  }
});

test('a type, mode, owner, size or digest that is not one is refused', () => {
  const row = (r: unknown[]) => JSON.stringify({ format: 1, entries: [r], whiteouts: [], opaque: [] });
  for (const [bad, why] of [
    [['/a', 9, 0o644, 0, 0, 1, 0], /unknown type/],
    [['/a', 0, 0o17777, 0, 0, 1, 0], /mode/],
    [['/a', 0, 0o644, -1, 0, 1, 0], /owner/],
    [['/a', 0, 0o644, 0, 0, 1.5, 0], /size/],
    [['/a', 0, 0o644, 0, 0, 1, 0, { d: 'xxh128:zz' }], /digest/],
    [['/a', 0, 0o644, 0, 0], /not an index row/],
  ] as const) {
    assert.throws(() => parseIndex(row([...bad])), why, JSON.stringify(bad));
  }
});

test.run();
