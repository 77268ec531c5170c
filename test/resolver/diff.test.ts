import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, parentOf, type BytePath } from '../../src/base/byte-path.js';
import { diff, type DiffEntry } from '../../src/resolver/diff.js';
import type { ResolvedEntry } from '../../src/resolver/types.js';
import { View } from '../../src/resolver/view.js';
import { WritableLayer } from '../../src/resolver/writable-layer.js';
import { dir, file, layer, link, p } from '../helpers/overlay-index.js';
import { irregularStack, modelIndex, randomStack } from '../helpers/overlay-model.js';

const lines = (entries: DiffEntry[]) => entries.map((e) => `${e.kind} ${e.path}`);

const base = View.of([
  layer({
    '/etc': dir(), '/etc/passwd': file(100), '/etc/hosts': file(20),
    '/var': dir(), '/var/log': dir(), '/var/log/a': file(1), '/var/log/b': file(1),
    '/top': file(5), '/lnk': link('/etc'),
  }),
]);

test('modifying a file: the file and its copied-up parent are C', () => {
  const top = new WritableLayer(base);
  top.update(p('/etc/passwd'), { size: 101 });
  assert.equal(lines(diff(base, top.index())), ['C /etc', 'C /etc/passwd']);
});

test('adding: A for the new path, C for the existing parent, A for a new parent', () => {
  const top = new WritableLayer(base);
  top.add(p('/etc/motd'), file(3));
  top.add(p('/srv'), dir());
  top.add(p('/srv/www'), dir());
  top.add(p('/srv/www/index.html'), file(3));
  assert.equal(lines(diff(base, top.index())), ['C /etc', 'A /etc/motd', 'A /srv', 'A /srv/www', 'A /srv/www/index.html']);
});

test('deleting: D for the path, C for its parent, never the root', () => {
  const top = new WritableLayer(base);
  top.remove(p('/etc/hosts'));
  top.remove(p('/top'));
  top.remove(p('/var/log'), { recursive: true });
  assert.equal(lines(diff(base, top.index())), ['C /etc', 'D /etc/hosts', 'D /top', 'C /var', 'D /var/log']);
});

test('deleting and making a directory again: D for the opaque directory, its contents listed', () => {
  const top = new WritableLayer(base);
  top.remove(p('/var/log'), { recursive: true });
  top.add(p('/var/log'), dir());
  top.add(p('/var/log/a'), file(2));
  top.add(p('/var/log/new'), file(2));
  assert.equal(lines(diff(base, top.index())), ['C /var', 'D /var/log', 'C /var/log/a', 'A /var/log/new']);
});

test('a type change is C; a rename is A plus D', () => {
  const top = new WritableLayer(base);
  top.remove(p('/top'));
  top.add(p('/top'), dir());
  top.rename(p('/etc/hosts'), p('/hosts'));
  assert.equal(lines(diff(base, top.index())), ['C /etc', 'D /etc/hosts', 'A /hosts', 'D /top']);
  const retyped = layer({ '/top': dir(), '/lnk': file(1) });
  assert.equal(lines(diff(base, retyped)), ['C /lnk', 'C /top']);
});

test('a whiteout of a path the lower view lacks is no change', () => {
  const upper = layer({}, { whiteouts: ['/nothing', '/etc/nothing'] });
  assert.equal(lines(diff(base, upper)), []);
});

test('a layer tar without parent entries: the implied parents are listed as C or A', () => {
  const upper = layer({ '/var/log/c': file(1), '/opt/new/x': file(1) }, { whiteouts: ['/var/log/a'] });
  assert.equal(lines(diff(base, upper)), ['A /opt', 'A /opt/new', 'A /opt/new/x', 'C /var', 'C /var/log', 'D /var/log/a', 'A /var/log/c']);
});

test('a directory implied over a lower file is C', () => {
  assert.equal(lines(diff(base, layer({}, { whiteouts: ['/top/x'] }))), ['C /top']);
});

test('an opaque marker over nothing below is an added directory', () => {
  assert.equal(lines(diff(base, layer({ '/new': dir() }, { opaque: ['/new'] }))), ['A /new']);
  assert.equal(lines(diff(base, layer({}, { opaque: ['/etc'] }))), ['D /etc']);
});

test('sorted by path bytes', () => {
  const upper = layer({ '/etc/a-b': file(1), '/etc/a': dir(), '/etc/a/b': file(1), '/etc/\xff': file(1), '/etc/Z': file(1) });
  assert.equal(lines(diff(base, upper)), ['C /etc', 'A /etc/Z', 'A /etc/a', 'A /etc/a-b', 'A /etc/a/b', 'A /etc/\xff']);
});

test('the cost follows the upper layer: only its own paths and their parents are looked up', () => {
  const big: Record<string, ReturnType<typeof file>> = { '/d': dir() };
  for (let i = 0; i < 20_000; i++) big[`/d/f${i}`] = file(1);
  const view = View.of([layer(big)]);
  let lookups = 0;
  const counting = { typeOf: (path: BytePath) => (lookups++, view.typeOf(path)) };
  assert.equal(lines(diff(counting, layer({ '/d/f7': file(2) }, { whiteouts: ['/d/f8'] }))), ['C /d', 'C /d/f7', 'D /d/f8']);
  assert.ok(lookups <= 6, `${lookups} lookups`);
});

// Property check on random stacks: the diff of the top layer explains how the view changed.

const stacks = [
  ...Array.from({ length: 300 }, (_, i) => randomStack(i + 1).map((l) => modelIndex(l))),
  ...Array.from({ length: 300 }, (_, i) => irregularStack(i + 1)),
];

test('random stacks: every change between View(below) and View(all) is explained by the diff', () => {
  for (const [i, layers] of stacks.entries()) {
    const upper = layers[layers.length - 1]!;
    const before = View.of(layers.slice(0, -1));
    const after = View.of(layers);
    const entries = diff(before, upper);
    const kinds = new Map(entries.map((e) => [e.path, e.kind]));
    const where = `stack ${i}`;
    assert.is(kinds.size, entries.length, `${where}: one entry per path`);
    assert.equal(entries.map((e) => e.path), [...kinds.keys()].sort(), `${where}: sorted`);
    for (const [path, kind] of kinds) {
      assert.ok(path !== ROOT, where);
      if (kind === 'A') assert.ok(!before.lookup(path) && after.lookup(path), `${where}: A ${path}`);
      else if (kind === 'C') assert.ok(before.lookup(path) && after.lookup(path), `${where}: C ${path}`);
      else assert.ok(before.lookup(path), `${where}: D ${path}`);
    }
    for (const r of after.walk()) {
      if (r.path === ROOT) continue;
      if (!before.lookup(r.path)) assert.is(kinds.get(r.path), 'A', `${where}: new ${r.path}`);
      else if (fromTop(r, layers.length - 1) || before.lookup(r.path)!.entry.type !== r.entry.type) assert.ok(kinds.get(r.path) === 'C' || kinds.get(r.path) === 'D', `${where}: replaced ${r.path}`);
    }
    for (const r of before.walk()) {
      if (r.path === ROOT || after.lookup(r.path)) continue;
      assert.ok(explainsRemoval(r.path, kinds, after), `${where}: removed ${r.path}`);
    }
  }
});

function fromTop(r: ResolvedEntry, top: number): boolean {
  return r.layer === top && !r.implied;
}

/** A path gone from the view: it, or a directory above it, is D, or a directory above it became a
 * non-directory (C). */
function explainsRemoval(path: BytePath, kinds: Map<BytePath, string>, after: View): boolean {
  for (let at = path; at !== ROOT; at = parentOf(at)) {
    const kind = kinds.get(at);
    if (kind === 'D') return true;
    if (kind === 'C' && at !== path && after.lookup(at)?.entry.type !== 'dir') return true;
  }
  return false;
}

test.run();
