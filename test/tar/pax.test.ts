import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TarHeader } from '../../src/tar/header.js';
import { applyPax, encodePaxRecords, parsePaxRecords } from '../../src/tar/pax.js';

function header(): TarHeader {
  return {
    name: 'short', type: 'file', mode: 0o644, uid: 1, gid: 2, size: 10, mtime: 100, linkName: '', uname: '', gname: '',
    devMajor: 0, devMinor: 0, xattrs: undefined,
  };
}

test('encodePaxRecords counts the length prefix in itself, also where it gains a digit', () => {
  const data = encodePaxRecords([['path', 'a'], ['path', 'x'.repeat(92)]]);
  assert.is(data.toString('latin1', 0, 9), '9 path=a\n');
  // " path=" + 92 + "\n" = 99 bytes: 2 digits would make 101, which has 3, so 102.
  assert.ok(data.toString('latin1', 9).startsWith('102 path='));
  assert.equal([...parsePaxRecords(data)], [['path', 'x'.repeat(92)]]);
});

test('parsePaxRecords keeps values as raw bytes and allows "=" and newlines in them', () => {
  const value = Buffer.from([0xff, 0x3d, 0x0a, 0x41]).toString('latin1');
  const records = parsePaxRecords(encodePaxRecords([['path', value], ['comment', 'a=b']]));
  assert.is(records.get('path'), value);
  assert.is(records.get('comment'), 'a=b');
});

test('parsePaxRecords tolerates trailing NUL padding', () => {
  const data = Buffer.concat([encodePaxRecords([['uid', '7']]), Buffer.alloc(20)]);
  assert.is(parsePaxRecords(data).get('uid'), '7');
});

test('parsePaxRecords refuses malformed records', () => {
  for (const bad of ['5 a=b\n', '99 path=x\n', 'x path=y\n', '8 path\nx', '10 =value\n', '6 path=']) {
    assert.throws(() => parsePaxRecords(Buffer.from(bad, 'latin1')), /malformed PAX record/, bad);
  }
});

test('applyPax: path, linkpath, size, ids, fractional mtime, names', () => {
  const h = header();
  applyPax(h, undefined, new Map([
    ['path', 'long/'.repeat(60) + 'name'], ['linkpath', 'target'], ['size', '12345678901234'], ['uid', '4294967294'],
    ['gid', '3000000'], ['mtime', '1700000000.123456789'], ['uname', 'u'], ['gname', 'g'], ['atime', '5'],
  ]));
  assert.is(h.name, 'long/'.repeat(60) + 'name');
  assert.is(h.linkName, 'target');
  assert.is(h.size, 12345678901234);
  assert.is(h.uid, 4294967294);
  assert.is(h.gid, 3000000);
  assert.is(h.mtime, 1700000000.123456789);
  assert.is(h.uname, 'u');
});

test('applyPax: negative mtime', () => {
  const h = header();
  applyPax(h, undefined, new Map([['mtime', '-12.5']]));
  assert.is(h.mtime, -12.5);
});

test('applyPax: per-entry records override global ones; an empty value cancels the global one', () => {
  const h = header();
  applyPax(h, new Map([['uid', '55'], ['gid', '66'], ['uname', 'global']]), new Map([['gid', '77'], ['uid', '']]));
  assert.is(h.uid, 1);
  assert.is(h.gid, 77);
  assert.is(h.uname, 'global');
});

test('applyPax: SCHILY.xattr and LIBARCHIVE.xattr records become xattrs', () => {
  const h = header();
  const cap = Buffer.from([1, 0, 0, 2, 0, 0x20, 0, 0]);
  applyPax(h, undefined, new Map([
    ['SCHILY.xattr.security.capability', cap.toString('latin1')],
    ['LIBARCHIVE.xattr.user.na%20me', Buffer.from('v').toString('base64')],
  ]));
  assert.equal(h.xattrs?.get('security.capability'), cap);
  assert.equal(h.xattrs?.get('user.na me'), Buffer.from('v'));
});

test('applyPax refuses bad numbers and sparse files', () => {
  for (const [k, v] of [['size', '-1'], ['size', '1e9'], ['uid', 'x'], ['mtime', '1.2.3'], ['size', '99999999999999999']]) {
    assert.throws(() => applyPax(header(), undefined, new Map([[k!, v!]])), /PAX/, `${k}=${v}`);
  }
  assert.throws(() => applyPax(header(), undefined, new Map([['GNU.sparse.major', '1']])), /sparse files are not supported/);
  assert.throws(() => applyPax(header(), undefined, new Map([['SCHILY.xattr.', 'v']])), /empty extended attribute name/);
  assert.throws(() => applyPax(header(), undefined, new Map([['LIBARCHIVE.xattr.%zz', 'dg==']])), /malformed LIBARCHIVE/);
});

test.run();
