import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BytePath } from '../../src/base/byte-path.js';
import { classifyEntry, OPAQUE_MARKER, opaqueMarkerFor, WHITEOUT_PREFIX, whiteoutEntryFor } from '../../src/import/whiteout.js';

const p = (s: string): BytePath => s as BytePath;

test('constants', () => {
  assert.is(WHITEOUT_PREFIX, '.wh.');
  assert.is(OPAQUE_MARKER, '.wh..wh..opq');
});

test('classifyEntry: plain entries', () => {
  for (const path of ['/', '/etc', '/etc/.whatever', '/wh.x', '/a/.wh', '/a/x.wh.y']) assert.equal(classifyEntry(p(path)), { kind: 'plain' }, path);
});

test('classifyEntry: whiteouts name an entry of their directory', () => {
  assert.equal(classifyEntry(p('/etc/.wh.passwd')), { kind: 'whiteout', target: '/etc/passwd' });
  assert.equal(classifyEntry(p('/.wh.bin')), { kind: 'whiteout', target: '/bin' });
  assert.equal(classifyEntry(p('/a/.wh..hidden')), { kind: 'whiteout', target: '/a/.hidden' });
  assert.equal(classifyEntry(p('/a/.wh....')), { kind: 'whiteout', target: '/a/...' });
});

test('classifyEntry: opaque markers', () => {
  assert.equal(classifyEntry(p('/usr/share/.wh..wh..opq')), { kind: 'opaque', dir: '/usr/share' });
  assert.equal(classifyEntry(p('/.wh..wh..opq')), { kind: 'opaque', dir: '/' });
});

test('classifyEntry refuses whiteouts of "", "." and ".." (the directory itself, or climbing out)', () => {
  for (const bad of ['/a/.wh.', '/a/.wh..', '/a/.wh...', '/.wh..', '/.wh...']) {
    const c = classifyEntry(p(bad));
    assert.is(c.kind, 'refused', bad);
    assert.match((c as { reason: string }).reason, /is not a name in its directory/);
  }
});

test('classifyEntry refuses aufs metadata rather than guess at it', () => {
  assert.equal(classifyEntry(p('/.wh..wh.plnk')), { kind: 'refused', reason: 'aufs metadata entries are not supported' });
  assert.is(classifyEntry(p('/.wh..wh.aufs')).kind, 'refused');
});

test('classifyEntry refuses entries below a whiteout name (a whiteout has no children)', () => {
  assert.equal(classifyEntry(p('/a/.wh.x/f')), { kind: 'refused', reason: 'whiteout ".wh.x" cannot be a directory' });
  assert.equal(classifyEntry(p('/.wh...//x')), { kind: 'refused', reason: 'whiteout ".wh..." cannot be a directory' });
  assert.is(classifyEntry(p('/.wh..wh..opq/x')).kind, 'refused');
  assert.is(classifyEntry(p('/a.wh.b/c')).kind, 'plain');
});

test('inverse helpers: the entry names to write back out', () => {
  assert.is(whiteoutEntryFor(p('/etc/passwd')), '/etc/.wh.passwd');
  assert.is(whiteoutEntryFor(p('/bin')), '/.wh.bin');
  assert.throws(() => whiteoutEntryFor(p('/')), /root/);
  assert.is(opaqueMarkerFor(p('/usr')), '/usr/.wh..wh..opq');
  assert.is(opaqueMarkerFor(p('/')), '/.wh..wh..opq');
  for (const path of ['/etc/passwd', '/x', '/a/b/.c']) {
    assert.equal(classifyEntry(whiteoutEntryFor(p(path))), { kind: 'whiteout', target: path });
  }
  assert.equal(classifyEntry(opaqueMarkerFor(p('/d/e'))), { kind: 'opaque', dir: '/d/e' });
});

test.run();
