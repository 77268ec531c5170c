import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { efficiency } from '../../src/resolver/efficiency.js';
import { dir, file, layer, link, p } from '../helpers/overlay-index.js';

test("dive's own example (efficiency_test.go) scores 0.75", () => {
  // The whiteout deletes /etc/nginx, a directory no layer lists: it counts 0, as in dive.
  const report = efficiency([
    layer({ '/etc/nginx/nginx.conf': file(2000), '/etc/nginx/public': file(3000) }),
    layer({ '/etc/nginx/nginx.conf': file(5000), '/etc/athing': file(10000) }),
    layer({}, { whiteouts: ['/etc/nginx'] }),
  ]);
  assert.is(report.score, 0.75);
  assert.equal(report.wastedPaths, [{ path: p('/etc/nginx/nginx.conf'), copies: 2, totalBytes: 7000 }]);
  assert.is(report.wastedBytes, 7000);
});

test('a whiteout of a listed directory counts the bytes of everything it deleted', () => {
  const report = efficiency([
    layer({ '/etc': dir(), '/etc/nginx': dir(), '/etc/nginx/nginx.conf': file(2000), '/etc/nginx/public': file(3000) }),
    layer({ '/etc/nginx': dir(), '/etc/nginx/nginx.conf': file(5000), '/etc/athing': file(10000) }),
    layer({}, { whiteouts: ['/etc/nginx'] }),
  ]);
  // /etc/nginx: one copy of 8000 (5000 + 3000 in the view below the whiteout).
  assert.is(report.totalBytes, 7000 + 3000 + 10000 + 8000);
  assert.is(report.minimumBytes, 2000 + 3000 + 10000 + 8000);
  assert.is(report.score, 23000 / 28000);
});

test("a deleted file: dive counts the whiteout of a file as 0", () => {
  const report = efficiency([layer({ '/big': file(100), '/keep': file(50) }), layer({}, { whiteouts: ['/big'] })]);
  // /big: copies 100 (added) + 0 (the whiteout of a file); smallest 0. /keep: 50.
  assert.is(report.score, (0 + 50) / (100 + 50));
  assert.equal(report.wastedPaths, [{ path: p('/big'), copies: 2, totalBytes: 100 }]);
  assert.is(report.wastedBytes, 100);
  // Sizes: layer 0 holds 150, layer 1 nothing; the user ratio is 100 / 0.
  assert.is(report.sizeBytes, 150);
  assert.is(report.userSizeBytes, 0);
  assert.is(report.userWastedRatio, Infinity);
});

test('no duplication scores 1; an empty image scores 1; an image of empty files scores 1', () => {
  assert.is(efficiency([layer({ '/a': file(10) }), layer({ '/b': file(20) })]).score, 1);
  const empty = efficiency([]);
  assert.equal({ ...empty, userWastedRatio: 0 }, { score: 1, minimumBytes: 0, totalBytes: 0, wastedBytes: 0, wastedPaths: [], sizeBytes: 0, userSizeBytes: 0, userWastedRatio: 0 });
  assert.ok(Number.isNaN(empty.userWastedRatio), '0 / 0, as dive divides');
  assert.is(efficiency([layer({ '/nothing': file(0) })]).score, 1);
});

test('a file stored twice: the smaller copy is what the image needs', () => {
  const report = efficiency([layer({ '/f': file(300) }), layer({ '/f': file(100) })]);
  assert.is(report.score, 100 / 400);
  assert.is(report.wastedBytes, 400);
});

test('only leaves count: a directory with contents in its layer is no copy; an empty one is', () => {
  const report = efficiency([
    layer({ '/d': dir(), '/d/f': file(10), '/e': dir() }),
    layer({ '/d': dir(), '/e': dir(), '/l': link('/d') }),
    layer({ '/l': link('/e') }),
  ]);
  // /d holds /d/f in layer 0 (no copy there) and nothing in layer 1 (a copy): one copy.
  assert.equal(report.wastedPaths.map((w) => [w.path, w.copies, w.totalBytes]), [['/e', 2, 0], ['/l', 2, 0]]);
  assert.is(report.score, 1);
});

test('hard links store no content: they count 0 bytes', () => {
  const report = efficiency([layer({ '/a': file(10), '/b': file(10, { hardlinkOf: p('/a') }) })]);
  assert.is(report.totalBytes, 10);
});

test('a whiteout of nothing ends the layer\'s walk, its path counting -1; opaque markers are no copies', () => {
  const report = efficiency([
    layer({ '/d': dir(), '/d/f': file(10) }),
    layer({ '/d': dir(), '/e': file(5) }, { whiteouts: ['/ghost'], opaque: ['/d'] }),
  ]);
  // Layer 1 is walked by name: ".wh.ghost" first. /ghost is not below, so dive records the path
  // (no copy, smallest size -1) and stops the layer there: /d and /e of layer 1 are never counted.
  // Totals: /d/f 10 (+ /ghost 0) = 10; smallest: 10 + (-1) = 9.
  assert.is(report.totalBytes, 10);
  assert.is(report.minimumBytes, 9);
  assert.is(report.score, 0.9);
  assert.equal(report.wastedPaths.map((w) => w.path), []);
});

test('a directory whiteout counts what the stacked tree below holds there, as dive stacks it', () => {
  // Layer 0 lists /a as a directory; layer 1 adds /a/y without listing /a, and stacking a layer
  // sets each of its nodes' metadata, an unlisted directory's empty one too: /a is no longer a
  // directory below layer 2, so its whiteout counts 0. /b, listed in layer 1 too, counts its files.
  // Layer 1 makes /c opaque; dive's stacking ignores that, so /c/old still counts under /c.
  const report = efficiency([
    layer({ '/a': dir(), '/a/x': file(10), '/b': dir(), '/b/x': file(30), '/c': dir(), '/c/old': file(7) }),
    layer({ '/a/y': file(20), '/b': dir(), '/b/y': file(40), '/c': dir(), '/c/new': file(1) }, { opaque: ['/c'] }),
    layer({}, { whiteouts: ['/a', '/b', '/c'] }),
  ]);
  // Copies: /a/x 10, /b/x 30, /c/old 7 (layer 0); /a/y 20, /b/y 40, /c/new 1 (layer 1);
  // /a 0, /b 30 + 40 = 70, /c 7 + 1 = 8 (layer 2). One copy each: nothing wasted.
  assert.is(report.totalBytes, 10 + 30 + 7 + 20 + 40 + 1 + 0 + 70 + 8);
  assert.is(report.score, 1);
  assert.is(report.sizeBytes, 10 + 30 + 7 + 20 + 40 + 1);
  assert.is(report.userSizeBytes, 20 + 40 + 1);
});

test('wasted paths: most bytes first, then by path', () => {
  const report = efficiency([
    layer({ '/a': file(1), '/b': file(5), '/c': file(5) }),
    layer({ '/a': file(1), '/b': file(5), '/c': file(5) }),
  ]);
  assert.equal(report.wastedPaths.map((w) => w.path), ['/b', '/c', '/a']);
  assert.is(report.wastedBytes, 22);
});

test.run();
