import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BytePath } from '../../src/base/byte-path.js';
import { serializeIndex, type LayerIndex } from '../../src/base/layer-index.js';
import { PathError, type PathErrorCode } from '../../src/resolver/path-error.js';
import { resolvePath } from '../../src/resolver/symlinks.js';
import type { TreeReader } from '../../src/resolver/types.js';
import { View } from '../../src/resolver/view.js';
import { WritableLayer } from '../../src/resolver/writable-layer.js';
import { dir, file, layer, link, p } from '../helpers/overlay-index.js';

function image() {
  const layers = [
    layer({ '/etc': dir(), '/etc/passwd': file(100), '/etc/hosts': file(20), '/bin': dir(), '/bin/sh': file(500) }),
    layer({ '/etc': dir(), '/etc/hosts': file(30), '/var': dir(), '/var/log': dir(), '/var/log/a': file(1), '/lib': link('/usr/lib') }),
  ];
  const before = layers.map(serializeIndex);
  return { layers, view: View.of(layers), unchanged: () => assert.equal(layers.map(serializeIndex), before) };
}

const code = (c: PathErrorCode) => (e: unknown) => e instanceof PathError && e.code === c;
const sorted = <T>(xs: Iterable<T>) => [...xs].sort();

/** Every path of a tree with its entry, by walking readdir from the root. */
function listing(tree: TreeReader): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (path: BytePath) => {
    const r = tree.lookup(path)!;
    const { path: _path, ...entry } = r.entry;
    out.push([path, JSON.stringify(entry)]);
    if (r.entry.type === 'dir') for (const child of tree.readdir(path)) visit(child.path);
  };
  visit(p('/'));
  return out;
}

// The container layer's four rules (docs/DESIGN.md §4), literally.

test('seed rule 1: adding a file writes it into the container layer', () => {
  const { view, unchanged } = image();
  const top = new WritableLayer(view);
  top.add(p('/etc/motd'), file(5));
  assert.equal(sorted(top.index().entries.keys()).filter((k) => k === '/etc/motd'), ['/etc/motd']);
  assert.is(top.lookup(p('/etc/motd'))!.layer, 2);
  assert.is(view.lookup(p('/etc/motd')), undefined);
  unchanged();
});

test('seed rule 2: reading a file searches the layers top-down and uses the first hit', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  assert.is(top.lookup(p('/etc/hosts'))!.layer, 1);
  assert.is(top.lookup(p('/etc/hosts'))!.entry.size, 30);
  assert.is(top.lookup(p('/etc/passwd'))!.layer, 0);
  top.update(p('/etc/passwd'), { size: 101 });
  assert.is(top.lookup(p('/etc/passwd'))!.layer, 2);
  assert.is(top.lookup(p('/etc/passwd'))!.entry.size, 101);
});

test('seed rule 3: modifying a file first copies it up from its image layer into the container layer', () => {
  const { view, unchanged } = image();
  const top = new WritableLayer(view);
  top.update(p('/etc/passwd'), { size: 120, digest: 'xxh128:00000000000000000000000000000001', mtime: 2000 });
  const copied = top.index().entries.get(p('/etc/passwd'))!;
  assert.equal([copied.size, copied.mode, copied.uid, copied.mtime], [120, 0o644, 0, 2000]);
  assert.equal(top.lookup(p('/etc/passwd'))!.hides.map((h) => [h.layer, h.entry.size]), [[0, 100]]);
  assert.is(view.lookup(p('/etc/passwd'))!.entry.size, 100);
  unchanged();
});

test('seed rule 4: deleting a file records the deletion (a whiteout) in the container layer', () => {
  const { view, unchanged } = image();
  const top = new WritableLayer(view);
  top.remove(p('/etc/hosts'));
  assert.equal(sorted(top.index().whiteouts), ['/etc/hosts']);
  assert.is(top.lookup(p('/etc/hosts')), undefined);
  assert.ok(view.lookup(p('/etc/hosts')));
  unchanged();
});

// The rest of the copy-on-write model.

test('deleting a path only the top layer has just removes it (no whiteout)', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.add(p('/new'), dir());
  top.add(p('/new/f'), file(1));
  top.remove(p('/new'), { recursive: true });
  const index = top.index();
  assert.equal([index.entries.size, index.whiteouts.size], [0, 0]);
});

test('deleting a copied-up file drops the copy and records a whiteout', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.update(p('/etc/passwd'), { mode: 0o600 });
  top.remove(p('/etc/passwd'));
  assert.ok(!top.index().entries.has(p('/etc/passwd')));
  assert.ok(top.index().whiteouts.has(p('/etc/passwd')));
});

test('a non-empty directory needs recursive; a recursive delete of a lower tree is one whiteout', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  assert.throws(() => top.remove(p('/var')), code('ENOTEMPTY'));
  top.remove(p('/var'), { recursive: true });
  assert.equal(sorted(top.index().whiteouts), ['/var']);
  assert.equal(top.readdir(p('/')).map((r) => r.path), ['/bin', '/etc', '/lib']);
});

test('mkdir over a deleted directory makes an opaque directory', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.remove(p('/var'), { recursive: true });
  top.add(p('/var'), dir({ mode: 0o700 }));
  const index = top.index();
  assert.equal(sorted(index.opaque), ['/var']);
  assert.equal(sorted(index.whiteouts), []);
  assert.equal(top.readdir(p('/var')), []);
  assert.equal(View.of([...image().layers, index]).readdir(p('/var')), []);
});

test('mkdir where nothing was deleted is a plain directory', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.add(p('/srv'), dir());
  assert.equal(top.index().opaque.size, 0);
});

test('adding a file copies up its parent directories, with their lower metadata', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.add(p('/var/log/b'), file(2));
  const index = top.index();
  assert.equal(sorted(index.entries.keys()), ['/var', '/var/log', '/var/log/b']);
  assert.equal(index.entries.get(p('/var/log'))!.mode, view.lookup(p('/var/log'))!.entry.mode);
  assert.equal(top.readdir(p('/var/log')).map((r) => r.path), ['/var/log/a', '/var/log/b']);
});

test('add refuses an existing path, a missing parent, a parent that is a file or a symlink', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  assert.throws(() => top.add(p('/etc/hosts'), file(1)), code('EEXIST'));
  assert.throws(() => top.add(p('/nope/x'), file(1)), code('ENOENT'));
  assert.throws(() => top.add(p('/etc/passwd/x'), file(1)), code('ENOTDIR'));
  // /lib is a symlink: writing through it would leave the layer's own tree.
  assert.throws(() => top.add(p('/lib/x'), file(1)), code('ENOTDIR'));
  assert.throws(() => top.add(p('/'), dir()), code('EEXIST'));
});

test('a path resolved through the layer first can be written to', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.add(p('/usr'), dir());
  top.add(p('/usr/lib'), dir());
  const target = resolvePath(top, '/lib/libz.so', { followLast: false });
  assert.is(target.path, '/usr/lib/libz.so');
  top.add(target.path, file(3));
  assert.ok(top.lookup(p('/usr/lib/libz.so')));
});

test('update: only regular files take content; a missing path is ENOENT', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  assert.throws(() => top.update(p('/etc'), { size: 1 }), code('EISDIR'));
  assert.throws(() => top.update(p('/lib'), { digest: 'x' }), code('EINVAL'));
  assert.throws(() => top.update(p('/nope'), { mode: 0o600 }), code('ENOENT'));
  top.update(p('/etc'), { mode: 0o700 });
  assert.is(top.readdir(p('/etc')).length, 2);
  assert.is(top.index().opaque.size, 0);
});

test('update: a copy-up breaks a lower hard link', () => {
  const view = View.of([layer({ '/a': file(4), '/b': file(4, { hardlinkOf: p('/a') }) })]);
  const top = new WritableLayer(view);
  top.update(p('/b'), { mode: 0o600 });
  assert.is(top.index().entries.get(p('/b'))!.hardlinkOf, undefined);
});

test('rename: a copy-up to the new name plus a whiteout of the old one', () => {
  const { view, unchanged } = image();
  const top = new WritableLayer(view);
  top.rename(p('/etc/hosts'), p('/etc/hosts.bak'));
  const index = top.index();
  assert.is(index.entries.get(p('/etc/hosts.bak'))!.size, 30);
  assert.ok(index.whiteouts.has(p('/etc/hosts')));
  assert.is(top.lookup(p('/etc/hosts')), undefined);
  unchanged();
});

test('rename: a directory moves with everything below it, from every layer', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.add(p('/var/log/b'), file(2));
  top.rename(p('/var'), p('/srv'));
  assert.equal(listing(top).map(([path]) => path), ['/', '/bin', '/bin/sh', '/etc', '/etc/hosts', '/etc/passwd', '/lib', '/srv', '/srv/log', '/srv/log/a', '/srv/log/b']);
  const index = top.index();
  assert.equal(sorted(index.whiteouts), ['/var']);
  assert.ok(!index.entries.has(p('/var/log/b')));
});

test('rename: onto a deleted directory the moved one is opaque', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.add(p('/tmp'), dir());
  top.add(p('/tmp/x'), file(1));
  top.remove(p('/etc/hosts'));
  top.remove(p('/etc/passwd'));
  top.rename(p('/tmp'), p('/etc'));
  assert.equal(top.readdir(p('/etc')).map((r) => r.path), ['/etc/x']);
  assert.ok(top.index().opaque.has(p('/etc')));
});

test('rename: the rules of rename(2)', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  assert.throws(() => top.rename(p('/nope'), p('/x')), code('ENOENT'));
  assert.throws(() => top.rename(p('/etc'), p('/etc/sub')), code('EINVAL'));
  assert.throws(() => top.rename(p('/etc'), p('/bin/sh')), code('ENOTDIR'));
  assert.throws(() => top.rename(p('/etc/hosts'), p('/var')), code('EISDIR'));
  assert.throws(() => top.rename(p('/etc'), p('/var')), code('ENOTEMPTY'));
  assert.throws(() => top.rename(p('/etc/hosts'), p('/nope/x')), code('ENOENT'));
  top.rename(p('/etc/hosts'), p('/etc/passwd'));
  assert.is(top.lookup(p('/etc/passwd'))!.entry.size, 30);
  top.rename(p('/etc/passwd'), p('/etc/passwd'));
  assert.ok(top.lookup(p('/etc/passwd')));
});

test('a layer continues from an index saved earlier', () => {
  const { view } = image();
  const first = new WritableLayer(view);
  first.remove(p('/var'), { recursive: true });
  first.add(p('/var'), dir());
  first.add(p('/var/new'), file(1));
  const again = new WritableLayer(view, first.index());
  assert.equal(listing(again), listing(first));
  again.remove(p('/var/new'));
  assert.equal(again.readdir(p('/var')), []);
});

test('hides: a top entry says what it shadows below', () => {
  const { view } = image();
  const top = new WritableLayer(view);
  top.update(p('/etc/hosts'), { size: 40 });
  assert.equal(top.lookup(p('/etc/hosts'))!.hides.map((h) => [h.layer, h.entry.size]), [[1, 30], [0, 20]]);
});

// The layer's own view and its index stacked on the image must agree, whatever was done.

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random operations: the layer reads exactly like View(image + layer.index())', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const random = mulberry32(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const { layers, view, unchanged } = image();
    const top = new WritableLayer(view);
    const names = ['a', 'b', 'etc', 'var', 'log', 'hosts'];
    // Half the time a path that exists or a new name in an existing directory, so most
    // operations succeed.
    const randomPath = () => {
      const existing = listing(top).map(([path]) => path).filter((path) => path !== '/');
      if (existing.length > 0 && random() < 0.3) return p(pick(existing));
      if (existing.length > 0 && random() < 0.5) return p(`${pick(existing)}/${pick(names)}`);
      let path = '';
      const depth = 1 + Math.floor(random() * 3);
      for (let i = 0; i < depth; i++) path += `/${pick(names)}`;
      return p(path);
    };
    const ops: string[] = [];
    for (let step = 0; step < 25; step++) {
      const path = randomPath();
      const other = randomPath();
      const op = pick(['add-file', 'add-dir', 'add-link', 'update', 'remove', 'remove-r', 'rename']);
      ops.push(`${op} ${path}${op === 'rename' ? ` ${other}` : ''}`);
      try {
        if (op === 'add-file') top.add(path, file(step));
        else if (op === 'add-dir') top.add(path, dir({ mode: 0o700 + step }));
        else if (op === 'add-link') top.add(path, link(`../${pick(names)}`));
        else if (op === 'update') top.update(path, { mode: 0o600, uid: step });
        else if (op === 'remove') top.remove(path);
        else if (op === 'remove-r') top.remove(path, { recursive: true });
        else top.rename(path, other);
      } catch (err) {
        if (!(err instanceof PathError)) throw err;
      }
      const stacked = View.of([...layers, top.index()]);
      assert.equal(listing(top), listing(stacked), `seed ${seed}: ${ops.join('; ')}`);
    }
    unchanged();
    assertNoNeedlessMarks(top.index(), view);
  }
});

/** Whiteouts only where something below shows; opaque marks only on directories of the layer. */
function assertNoNeedlessMarks(index: LayerIndex, lower: View) {
  for (const path of index.whiteouts) assert.ok(lower.lookup(path), `whiteout of nothing: ${path}`);
  for (const path of index.opaque) assert.is(index.entries.get(path)?.type, 'dir');
}

test.run();
