import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TarHeader } from '../../src/tar/header.js';
import { applyPax, encodePaxRecords, parsePaxRecords } from '../../src/tar/pax.js';

function header(): TarHeader {
  return {
    name: 'short', type: 'file', mode: 0o644, uid: 1, gid: 2, size: 10, mtime: 100, linkName: '', uname: '', gname: '',
    devMajor: 0, devMinor: 0, xattrs: undefined, sparse: undefined,
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

test('applyPax reads numbers as GNU tar does: leading zeros, a time with trailing garbage', () => {
  const h = header();
  applyPax(h, undefined, new Map([['size', '0000000000000000000000012'], ['mtime', '1748089464.5a'], ['uid', '007']]));
  assert.is(h.size, 12);
  assert.is(h.mtime, 1748089464.5);
  assert.is(h.uid, 7);
  const negative = header();
  applyPax(negative, undefined, new Map([['mtime', '-1.25']]));
  assert.is(negative.mtime, -1.25);
});

test('applyPax reads the GNU sparse records of 0.0, 0.1 and 1.0', () => {
  const zero = header();
  applyPax(zero, undefined, parsePaxRecords(encodePaxRecords([
    ['GNU.sparse.size', '100'], ['GNU.sparse.numblocks', '2'],
    ['GNU.sparse.offset', '0'], ['GNU.sparse.numbytes', '3'], ['GNU.sparse.offset', '90'], ['GNU.sparse.numbytes', '10'],
  ])));
  assert.equal(zero.sparse, { realSize: 100, regions: [{ offset: 0, length: 3 }, { offset: 90, length: 10 }] });
  const one = header();
  applyPax(one, undefined, new Map([['GNU.sparse.size', '50'], ['GNU.sparse.map', '10,5'], ['GNU.sparse.name', 'real']]));
  assert.equal(one.sparse, { realSize: 50, regions: [{ offset: 10, length: 5 }] });
  assert.is(one.name, 'real');
  const ten = header();
  applyPax(ten, undefined, new Map([['GNU.sparse.major', '1'], ['GNU.sparse.minor', '0'], ['GNU.sparse.realsize', '7']]));
  assert.equal(ten.sparse, { realSize: 7, regions: undefined });
  // Only a member's own records make it sparse: GNU tar writes them nowhere else.
  const global = header();
  applyPax(global, new Map([['GNU.sparse.size', '7']]), undefined);
  assert.is(global.sparse, undefined);
});

test('applyPax refuses bad numbers and sparse maps GNU tar refuses', () => {
  for (const [k, v] of [['size', '-1'], ['size', '1e9'], ['uid', 'x'], ['mtime', 'x'], ['mtime', '.5'], ['size', '99999999999999999']]) {
    assert.throws(() => applyPax(header(), undefined, new Map([[k!, v!]])), /PAX/, `${k}=${v}`);
  }
  assert.throws(() => applyPax(header(), undefined, new Map([['GNU.sparse.major', '2'], ['GNU.sparse.minor', '0']])), /unsupported GNU sparse format 2\.0/);
  assert.throws(() => applyPax(header(), undefined, new Map([['GNU.sparse.size', '10'], ['GNU.sparse.map', '0,1,5']])), /malformed sparse archive member/);
  assert.throws(() => applyPax(header(), undefined, new Map([['SCHILY.xattr.', 'v']])), /empty extended attribute name/);
  assert.throws(() => applyPax(header(), undefined, new Map([['LIBARCHIVE.xattr.%zz', 'dg==']])), /malformed LIBARCHIVE/);
});

test.run();
