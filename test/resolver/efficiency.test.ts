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

test('a deleted file: the whiteout counts the size of what it removed (docs/DESIGN.md §6)', () => {
  const report = efficiency([layer({ '/big': file(100), '/keep': file(50) }), layer({}, { whiteouts: ['/big'] })]);
  // /big: copies 100 (added) + 100 (removed): the image needs 100 of the 200 it accounts for.
  assert.is(report.score, (100 + 50) / (200 + 50));
  assert.equal(report.wastedPaths, [{ path: p('/big'), copies: 2, totalBytes: 200 }]);
  assert.is(report.wastedBytes, 200);
});

test('no duplication scores 1; an empty image scores 1; an image of empty files scores 1', () => {
  assert.is(efficiency([layer({ '/a': file(10) }), layer({ '/b': file(20) })]).score, 1);
  assert.equal(efficiency([]), { score: 1, minimumBytes: 0, totalBytes: 0, wastedBytes: 0, wastedPaths: [] });
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

test('a whiteout of nothing is no copy; opaque markers are no copies', () => {
  const report = efficiency([
    layer({ '/d': dir(), '/d/f': file(10) }),
    layer({ '/d': dir() }, { whiteouts: ['/ghost'], opaque: ['/d'] }),
  ]);
  assert.is(report.totalBytes, 10);
  assert.equal(report.wastedPaths.map((w) => w.path), []);
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
