import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { View } from '../../src/resolver/view.js';
import { PathError } from '../../src/resolver/path-error.js';
import { dir, file, layer, link, p } from '../helpers/overlay-index.js';

const paths = (view: View) => view.walk().map((r) => r.path);
const names = (view: View, path: string) => view.readdir(p(path)).map((r) => r.path);

test('lookup: the topmost layer that has the path decides', () => {
  const view = View.of([
    layer({ '/etc': dir(), '/etc/hosts': file(10), '/etc/passwd': file(20) }),
    layer({ '/etc': dir(), '/etc/hosts': file(11) }),
  ]);
  assert.is(view.lookup(p('/etc/hosts'))!.layer, 1);
  assert.is(view.lookup(p('/etc/hosts'))!.entry.size, 11);
  assert.is(view.lookup(p('/etc/passwd'))!.layer, 0);
  assert.is(view.lookup(p('/nope')), undefined);
});

test('lookup: an upper entry says which lower entries it hides, nearest first', () => {
  const view = View.of([
    layer({ '/f': file(1) }),
    layer({ '/f': file(2) }),
    layer({ '/g': file(9) }),
    layer({ '/f': file(3) }),
  ]);
  const f = view.lookup(p('/f'))!;
  assert.is(f.layer, 3);
  assert.equal(f.hides.map((h) => [h.layer, h.entry.size]), [[1, 2], [0, 1]]);
  assert.equal(view.lookup(p('/g'))!.hides, []);
});

test('whiteout: deletes the path and everything below it', () => {
  const view = View.of([
    layer({ '/a': dir(), '/a/b': dir(), '/a/b/c': file(1), '/x': file(1) }),
    layer({}, { whiteouts: ['/a', '/x'] }),
  ]);
  assert.equal(paths(view), ['/']);
  assert.is(view.lookup(p('/a/b/c')), undefined);
});

test('whiteout: a path made again above the whiteout hides nothing', () => {
  const view = View.of([
    layer({ '/a': dir(), '/a/old': file(1) }),
    layer({}, { whiteouts: ['/a'] }),
    layer({ '/a': dir(), '/a/new': file(1) }),
  ]);
  assert.equal(paths(view), ['/', '/a', '/a/new']);
  assert.equal(view.lookup(p('/a'))!.hides, []);
});

test('whiteout: of a path that no lower layer has changes nothing', () => {
  const view = View.of([layer({ '/a': file(1) }), layer({}, { whiteouts: ['/ghost', '/a/under-file'] })]);
  assert.equal(paths(view), ['/', '/a']);
});

test('whiteout and entry at one path in one layer: the entry replaces the lower path, a directory starts empty', () => {
  const view = View.of([
    layer({ '/d': dir(), '/d/old': file(1) }),
    layer({ '/d': dir(), '/d/new': file(1) }, { whiteouts: ['/d'] }),
  ]);
  assert.equal(paths(view), ['/', '/d', '/d/new']);
});

test('opaque: a directory hides the lower contents and keeps its own', () => {
  const view = View.of([
    layer({ '/d': dir(), '/d/a': file(1), '/d/sub': dir(), '/d/sub/x': file(1), '/e': file(1) }),
    layer({ '/d': dir({ mode: 0o700 }), '/d/b': file(1) }, { opaque: ['/d'] }),
  ]);
  assert.equal(paths(view), ['/', '/d', '/d/b', '/e']);
  assert.is(view.lookup(p('/d'))!.entry.mode, 0o700);
});

test('opaque: stops the merge at its layer, layers above merge again', () => {
  const view = View.of([
    layer({ '/d': dir(), '/d/l0': file(1) }),
    layer({ '/d': dir(), '/d/l1': file(1) }, { opaque: ['/d'] }),
    layer({ '/d': dir(), '/d/l2': file(1) }),
  ]);
  assert.equal(names(view, '/d'), ['/d/l1', '/d/l2']);
});

test('opaque: a directory the layer does not list replaces the lower one, metadata too', () => {
  const view = View.of([
    layer({ '/d': dir({ mode: 0o700 }), '/d/a': file(1) }),
    layer({ '/d/b': file(1) }, { opaque: ['/d'] }),
  ]);
  const d = view.lookup(p('/d'))!;
  assert.equal([d.implied, d.layer, d.entry.mode, d.hides[0]!.entry.mode], [true, 1, 0o755, 0o700]);
  assert.equal(names(view, '/d'), ['/d/b']);
});

test('opaque: a marker on a non-directory means nothing', () => {
  const view = View.of([layer({ '/d': dir(), '/d/a': file(1) }), layer({ '/d/a': file(2) }, { opaque: ['/d/a'] })]);
  assert.is(view.lookup(p('/d/a'))!.entry.size, 2);
});

test('opaque root: the layer replaces the whole tree below', () => {
  const view = View.of([layer({ '/a': file(1), '/b': dir() }), layer({ '/c': file(1) }, { opaque: ['/'] })]);
  assert.equal(paths(view), ['/', '/c']);
});

test('type change: a file over a directory hides the directory and its contents', () => {
  const view = View.of([
    layer({ '/d': dir(), '/d/a': file(1) }),
    layer({ '/d': file(5) }),
  ]);
  assert.equal(paths(view), ['/', '/d']);
  assert.is(view.lookup(p('/d'))!.entry.type, 'file');
  assert.is(view.lookup(p('/d'))!.hides[0]!.entry.type, 'dir');
  assert.throws(() => view.readdir(p('/d')), (e: unknown) => e instanceof PathError && e.code === 'ENOTDIR');
});

test('type change: a directory over a file starts empty and does not merge with what lies under the file', () => {
  const view = View.of([
    layer({ '/d': dir(), '/d/deep': file(1) }),
    layer({ '/d': file(5) }),
    layer({ '/d': dir(), '/d/new': file(1) }),
  ]);
  assert.equal(paths(view), ['/', '/d', '/d/new']);
});

test('type change: a symlink over a directory, a directory over a symlink', () => {
  const view = View.of([
    layer({ '/d': dir(), '/d/a': file(1), '/s': link('/d') }),
    layer({ '/d': link('/elsewhere'), '/s': dir(), '/s/own': file(1) }),
  ]);
  assert.equal(paths(view), ['/', '/d', '/s', '/s/own']);
  assert.is(view.lookup(p('/d'))!.entry.linkTarget, '/elsewhere');
});

test('directory over directory: the upper metadata wins and the contents merge', () => {
  const view = View.of([
    layer({ '/d': dir({ mode: 0o755, uid: 1 }), '/d/a': file(1) }),
    layer({ '/d': dir({ mode: 0o700, uid: 2 }), '/d/b': file(1) }),
  ]);
  const d = view.lookup(p('/d'))!;
  assert.is(d.entry.uid, 2);
  assert.is(d.layer, 1);
  assert.is(d.hides[0]!.entry.uid, 1);
  assert.equal(names(view, '/d'), ['/d/a', '/d/b']);
});

test('implied parents: a layer without parent entries keeps the lower directory metadata', () => {
  const view = View.of([
    layer({ '/usr': dir({ mode: 0o700, uid: 5 }) }),
    layer({ '/usr/bin/tool': file(3) }),
  ]);
  const usr = view.lookup(p('/usr'))!;
  assert.is(usr.entry.mode, 0o700);
  assert.is(usr.layer, 0);
  const bin = view.lookup(p('/usr/bin'))!;
  assert.is(bin.implied, true);
  assert.is(bin.layer, 1);
  assert.is(bin.entry.mode, 0o755);
  assert.equal(paths(view), ['/', '/usr', '/usr/bin', '/usr/bin/tool']);
});

test('implied parents: over a lower file they are directories that hide it', () => {
  const view = View.of([layer({ '/x': file(1) }), layer({ '/x/y': file(2) })]);
  const x = view.lookup(p('/x'))!;
  assert.is(x.entry.type, 'dir');
  assert.is(x.hides[0]!.entry.type, 'file');
});

test('implied parents: a whiteout or an opaque marker implies its directories too', () => {
  const view = View.of([
    layer({ '/a': file(1) }),
    layer({}, { whiteouts: ['/a/gone'], opaque: ['/b/c'] }),
  ]);
  assert.equal(paths(view), ['/', '/a', '/b', '/b/c']);
  assert.is(view.lookup(p('/a'))!.entry.type, 'dir');
});

test('a layer cannot hold paths below its own non-directory', () => {
  const view = View.of([layer({ '/f': file(1), '/f/x': file(1) }, { whiteouts: ['/f/y'] })]);
  assert.equal(paths(view), ['/', '/f']);
});

test('root: an explicit root entry sets its metadata; a non-directory root is ignored', () => {
  const view = View.of([layer({ '/': dir({ mode: 0o700 }) }), layer({ '/': file(1) })]);
  assert.is(view.lookup(p('/'))!.entry.type, 'dir');
  assert.is(view.lookup(p('/'))!.entry.mode, 0o700);
  assert.equal(View.of([]).walk().map((r) => r.path), ['/']);
});

test('readdir: merges all layers minus whiteouts, sorted by bytes', () => {
  const view = View.of([
    layer({ '/d': dir(), '/d/b': file(1), '/d/Z': file(1), '/d/gone': file(1) }),
    layer({ '/d': dir(), '/d/a': file(1), '/d/\xe9': file(1) }, { whiteouts: ['/d/gone'] }),
  ]);
  assert.equal(names(view, '/d'), ['/d/Z', '/d/a', '/d/b', '/d/\xe9']);
  assert.throws(() => view.readdir(p('/nope')), (e: unknown) => e instanceof PathError && e.code === 'ENOENT');
});

test('walk: sorted by path bytes, so every directory comes before its contents', () => {
  const view = View.of([layer({ '/a': dir(), '/a/b': file(1), '/a-b': file(1), '/a.c': file(1) })]);
  assert.equal(paths(view), ['/', '/a', '/a-b', '/a.c', '/a/b']);
  for (const [i, r] of view.walk().entries()) {
    if (r.path === '/') continue;
    const parent = r.path.slice(0, r.path.lastIndexOf('/')) || '/';
    assert.ok(view.walk().slice(0, i).some((q) => q.path === parent), `${parent} before ${r.path}`);
  }
});

test('at(N): the stack cut at layer N, 0 = base', () => {
  const layers = [
    layer({ '/a': file(1) }),
    layer({ '/b': file(1) }, { whiteouts: ['/a'] }),
    layer({ '/c': file(1) }),
  ];
  const view = View.of(layers);
  assert.equal(paths(view.at(0)), ['/', '/a']);
  assert.equal(paths(view.at(1)), ['/', '/b']);
  assert.is(view.at(2), view);
  assert.throws(() => view.at(3), /out of range/);
  assert.throws(() => view.at(-1), /out of range/);
});

test('the view does not change when the caller later changes its layer array', () => {
  const layers = [layer({ '/a': file(1) })];
  const view = View.of(layers);
  layers.push(layer({}, { whiteouts: ['/a'] }));
  assert.is(view.layerCount, 1);
  assert.ok(view.lookup(p('/a')));
});

test('300 layers: every layer changes, deletes and adds; lookups see the right layer', () => {
  const layers = [];
  for (let i = 0; i < 300; i++) {
    const entries: Record<string, ReturnType<typeof file>> = {
      '/common': file(i),
      [`/l/${i}`]: file(i),
    };
    layers.push(layer(entries, { whiteouts: i > 0 ? [`/l/${i - 1}`] : [] }));
  }
  const started = performance.now();
  const view = View.of(layers);
  const built = performance.now() - started;
  assert.is(view.lookup(p('/common'))!.layer, 299);
  assert.is(view.lookup(p('/common'))!.hides.length, 299);
  assert.equal(names(view, '/l'), ['/l/299']);
  assert.is(view.lookup(p('/l'))!.implied, true);
  assert.is(view.at(150).lookup(p('/l/150'))!.layer, 150);
  assert.is(view.at(150).lookup(p('/l/149')), undefined);
  assert.ok(built < 1000, `built in ${built} ms`);
});

test('lookups cost one Map get: the same time for 10 and for 1000 layers', () => {
  const stack = (n: number) => View.of(Array.from({ length: n }, (_, i) => layer({ '/d': dir(), [`/d/f${i}`]: file(1), '/d/f': file(i) })));
  const time = (view: View) => {
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      for (let i = 0; i < 200_000; i++) view.lookup(p('/d/f'));
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  const ratio = time(stack(1000)) / time(stack(10));
  assert.ok(ratio < 5, `1000 layers took ${ratio.toFixed(1)}x the time of 10`);
});

test.run();
