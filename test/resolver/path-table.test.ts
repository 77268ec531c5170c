// The path table must say exactly what the View it was made from says, for every path asked —
// those of the view and those it lacks (deleted, below a file, never there) — and `diff` over it
// must equal `diff` over the View. Checked on random stacks (whiteouts, opaque directories, type
// changes, symlinks, irregular layers), also with names that are not UTF-8 or sort next to "/",
// and on damaged tables, which must be refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import type { BytePath } from '../../src/base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../../src/base/layer-index.js';
import { diff } from '../../src/resolver/diff.js';
import { encodePathTable, PathTable } from '../../src/resolver/path-table.js';
import { View } from '../../src/resolver/view.js';
import { dir, file, layer, link } from '../helpers/overlay-index.js';
import { irregularStack, modelIndex, randomStack } from '../helpers/overlay-model.js';

const tableOf = (view: View): PathTable => PathTable.decode(encodePathTable(view))!;

/** The model's names a..e renamed, so that paths hold bytes above 0x7f, a newline, and names
 * that sort just before ("a-b") and after ("a0") a directory's "a/…" (byte order, not UTF-16). */
const BYTE_NAMES: Record<string, string> = { a: 'a', b: '\xff', c: 'a-b', d: 'new\nline', e: 'a0\x80' };

function renamePath(path: string): BytePath {
  return path.split('/').map((part) => BYTE_NAMES[part] ?? part).join('/') as BytePath;
}

function renamed(index: LayerIndex): LayerIndex {
  const entries = new Map<BytePath, IndexEntry>();
  for (const [path, e] of index.entries) {
    entries.set(renamePath(path), { ...e, path: renamePath(path), ...(e.hardlinkOf ? { hardlinkOf: renamePath(e.hardlinkOf) } : {}) });
  }
  return { entries, whiteouts: new Set([...index.whiteouts].map(renamePath)), opaque: new Set([...index.opaque].map(renamePath)) };
}

const plainStacks = [
  ...Array.from({ length: 250 }, (_, i) => randomStack(i + 1).map((l) => modelIndex(l))),
  ...Array.from({ length: 250 }, (_, i) => irregularStack(i + 1)),
];
const stacks = [...plainStacks, ...plainStacks.slice(0, 200).map((layers) => layers.map(renamed))];

/** Paths to ask a table: every path any layer names (entries, whiteouts, opaque dirs), their
 * parents, one level below each (below files too), and a name in no layer. */
function probes(layers: readonly LayerIndex[]): Set<BytePath> {
  const out = new Set<BytePath>(['/' as BytePath, '/zz' as BytePath, '/a/zz' as BytePath]);
  for (const index of layers) {
    for (const path of [...index.entries.keys(), ...index.whiteouts, ...index.opaque]) {
      out.add(path);
      out.add(`${path}/x` as BytePath);
      for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) out.add(path.slice(0, i) as BytePath);
    }
  }
  return out;
}

test('random stacks: the table gives every path the type the View gives it, at every layer', () => {
  for (const [s, layers] of stacks.entries()) {
    const asked = probes(layers);
    for (let n = 0; n <= layers.length; n++) {
      const view = View.of(layers.slice(0, n));
      const table = tableOf(view);
      assert.is(table.size, view.size, `stack ${s} at ${n}: size`);
      for (const r of view.walk()) assert.is(table.typeOf(r.path), r.entry.type, `stack ${s} at ${n}: ${JSON.stringify(r.path)}`);
      for (const path of asked) assert.is(table.typeOf(path), view.typeOf(path), `stack ${s} at ${n}: ${JSON.stringify(path)}`);
    }
  }
});

test('random stacks: diff over the table of the layers below is diff over their View', () => {
  for (const [s, layers] of stacks.entries()) {
    for (let n = 1; n < layers.length; n++) {
      const below = View.of(layers.slice(0, n));
      assert.equal(diff(tableOf(below), layers[n]!), diff(below, layers[n]!), `stack ${s}, layer ${n}`);
    }
  }
});

test('the edge cases by name: replaced types, whiteouts, opaque dirs, paths below a file or a link', () => {
  const view = View.of([
    layer({ '/d': dir(), '/d/f': file(1), '/d/sub': dir(), '/d/sub/x': file(1), '/f': file(1), '/l': link('/d'), '/o': dir(), '/o/old': file(1) }),
    layer({ '/d': file(2), '/f': dir(), '/f/in': file(1), '/o/new': file(1) }, { whiteouts: ['/l'], opaque: ['/o'] }),
  ]);
  const table = tableOf(view);
  const expect: Record<string, string | undefined> = {
    '/': 'dir', '/d': 'file', '/d/f': undefined, '/d/sub': undefined, '/d/sub/x': undefined, '/f': 'dir', '/f/in': 'file',
    '/l': undefined, '/l/f': undefined, '/o': 'dir', '/o/old': undefined, '/o/new': 'file', '/nothing': undefined,
  };
  for (const [path, type] of Object.entries(expect)) assert.is(table.typeOf(path as BytePath), type, path);
});

test('lookups follow byte order (not a locale\'s, where "B" sorts after "a" and "-" is ignored)', () => {
  const chars = ['A', 'B', 'Z', 'a', 'b', 'z', '-', '.', '0', '9', '_', '~', ' ', '\x01', '\n', '\x7f', '\x80', '\xc3', '\xe9', '\xff'];
  const entries: Record<string, ReturnType<typeof file>> = {};
  for (const c of chars) {
    entries[`/${c}`] = dir();
    entries[`/${c}/${c}x`] = file(1);
    entries[`/x${c}`] = file(1);
    entries[`/${c}-${c}`] = link(c);
  }
  const view = View.of([layer(entries)]);
  const table = tableOf(view);
  assert.is(table.size, view.size);
  for (const r of view.walk()) assert.is(table.typeOf(r.path), r.entry.type, JSON.stringify(r.path));
  for (const c of chars) {
    for (const path of [`/${c}${c}`, `/${c}/x`, `/${c}x`, `/x${c}/y`]) assert.is(table.typeOf(path as BytePath), undefined, JSON.stringify(path));
  }
});

test('an image of no layers has its root alone', () => {
  const table = tableOf(View.of([]));
  assert.is(table.size, 1);
  assert.is(table.typeOf('/' as BytePath), 'dir');
  assert.is(table.typeOf('/a' as BytePath), undefined);
});

test('a table read from anywhere in a buffer (a small file sits unaligned in the pool) answers the same', () => {
  const view = View.of([layer({ '/a': dir(), '/a/b': file(1), '/c': link('a') })]);
  const bytes = encodePathTable(view);
  for (let shift = 0; shift < 4; shift++) {
    const at = Buffer.alloc(bytes.length + shift).fill(0xee);
    bytes.copy(at, shift);
    const table = PathTable.decode(at.subarray(shift))!;
    assert.ok(table, `shift ${shift}`);
    for (const path of ['/', '/a', '/a/b', '/c', '/d']) assert.is(table.typeOf(path as BytePath), view.typeOf(path as BytePath), `shift ${shift}: ${path}`);
  }
});

test('a damaged table is refused: any byte changed, cut short, grown, or an inconsistent one re-signed', () => {
  const view = View.of(randomStack(7).map((l) => modelIndex(l)));
  const good = encodePathTable(view);
  assert.ok(PathTable.decode(good));
  for (let i = 0; i < good.length; i++) {
    const bad = Buffer.from(good);
    bad[i] ^= 0x20;
    assert.is(PathTable.decode(bad), undefined, `byte ${i} changed`);
  }
  for (const bad of [good.subarray(0, good.length - 1), Buffer.concat([good, Buffer.from([1])]), good.subarray(0, 48), Buffer.alloc(0)]) {
    assert.is(PathTable.decode(bad), undefined, `${bad.length} bytes`);
  }
  // A writer's bug, digest and all: offsets out of order, a record past the end, an unknown type.
  const HEAD = 48;
  const resign = (edit: (b: Buffer) => void) => {
    const b = Buffer.from(good);
    edit(b);
    createHash('sha256').update(b.subarray(HEAD)).digest().copy(b, HEAD - 32);
    return b;
  };
  const count = good.readUInt32LE(HEAD);
  const records = HEAD + 4 * (count + 2);
  assert.ok(PathTable.decode(resign(() => {})), 're-signing alone changes nothing');
  assert.is(PathTable.decode(resign((b) => b.writeUInt32LE(b.readUInt32LE(HEAD + 8) + 1, HEAD + 4))), undefined, 'offsets[0] not 0');
  assert.is(PathTable.decode(resign((b) => b.writeUInt32LE(b.readUInt32LE(HEAD + 4 * (count + 1)) + 1, HEAD + 4 * (count + 1)))), undefined, 'past the end');
  assert.is(PathTable.decode(resign((b) => b.writeUInt32LE(count + 1, HEAD))), undefined, 'count too big');
  assert.is(PathTable.decode(resign((b) => (b[records] = 9))), undefined, 'unknown type');
});

test.run();
