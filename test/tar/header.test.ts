import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { headerChecksum, isHeaderOnly, isZeroBlock, looksLikeHeader, memberType, parseHeaderBlock, parseNumber, TarHeaderError } from '../../src/tar/header.js';
import { encodeHeaderBlock } from '../../src/tar/writer.js';

function withChecksum(b: Buffer): Buffer {
  b.write('        ', 148, 8, 'latin1');
  b.write(`${headerChecksum(b, 0).unsigned.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

test('parseHeaderBlock reads the ustar fields', () => {
  const b = encodeHeaderBlock({ typeflag: '0', name: 'etc/passwd', mode: 0o4755, uid: 1000, gid: 50, size: 1234, mtime: 1700000000, uname: 'alice', gname: 'staff' });
  const h = parseHeaderBlock(b, 0);
  assert.equal(h, {
    typeflag: '0', name: 'etc/passwd', linkName: '', uname: 'alice', gname: 'staff',
    mode: 0o4755, uid: 1000, gid: 50, size: 1234, mtime: 1700000000, devMajor: 0, devMinor: 0,
  });
});

test('parseHeaderBlock joins the ustar prefix to the name', () => {
  const b = encodeHeaderBlock({ typeflag: '0', name: 'file.txt', prefix: 'a/very/long/dir' });
  assert.is(parseHeaderBlock(b, 0).name, 'a/very/long/dir/file.txt');
});

test('parseHeaderBlock ignores the prefix area of old GNU headers (it holds times there)', () => {
  const b = encodeHeaderBlock({ typeflag: '0', name: 'file.txt', prefix: '14000000000', magic: 'gnu' });
  assert.is(parseHeaderBlock(b, 0).name, 'file.txt');
});

test('parseHeaderBlock reads star headers with the shorter prefix', () => {
  const b = encodeHeaderBlock({ typeflag: '0', name: 'f', prefix: 'dir' });
  b.write('tar\0', 508, 4, 'latin1');
  b.write('12345670123', 476, 11, 'latin1'); // star's atime, inside a ustar prefix
  assert.is(parseHeaderBlock(withChecksum(b), 0).name, 'dir/f');
});

test('parseHeaderBlock keeps names as raw bytes', () => {
  const name = Buffer.from([0x61, 0xff, 0xfe, 0x2f, 0xc3, 0xa9]).toString('latin1');
  const b = encodeHeaderBlock({ typeflag: '0', name });
  assert.is(parseHeaderBlock(b, 0).name, name);
});

test('parseHeaderBlock refuses a bad checksum', () => {
  const b = encodeHeaderBlock({ typeflag: '0', name: 'a' });
  b[0] = 0x62;
  assert.throws(() => parseHeaderBlock(b, 0), (e: unknown) => e instanceof TarHeaderError && /checksum/.test(e.message));
});

test('parseHeaderBlock accepts the historic signed-char checksum', () => {
  const b = encodeHeaderBlock({ typeflag: '0', name: 'caf\xe9' });
  b.write(`${headerChecksum(b, 0).signed.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  assert.is(parseHeaderBlock(b, 0).name, 'caf\xe9');
});

test('parseHeaderBlock reads a header at an offset inside a larger buffer', () => {
  const b = Buffer.concat([Buffer.alloc(100, 7), encodeHeaderBlock({ typeflag: '5', name: 'd/' })]);
  assert.is(parseHeaderBlock(b, 100).typeflag, '5');
});

test('parseNumber reads octal with spaces and NULs around it', () => {
  assert.is(parseNumber(Buffer.from('  0755 \0'), 0, 8, 'mode'), 0o755);
  assert.is(parseNumber(Buffer.from('0000644\0'), 0, 8, 'mode'), 0o644);
  assert.is(parseNumber(Buffer.alloc(8), 0, 8, 'mode'), 0);
});

test('parseNumber refuses garbage instead of truncating at it', () => {
  assert.throws(() => parseNumber(Buffer.from('0755x\0\0\0'), 0, 8, 'mode'), /invalid number in the mode field/);
  assert.throws(() => parseNumber(Buffer.from('0789\0\0\0\0'), 0, 8, 'uid'), /uid/);
  assert.throws(() => parseNumber(Buffer.from('        '), 0, 8, 'uid'), /blanks where the uid field needs a number/);
});

test('parseNumber reads as GNU tar does: one leading NUL skipped, digits end at a NUL or space', () => {
  // GNU tar reads no further than the first NUL after the digits.
  assert.is(parseNumber(Buffer.from('07\x0055\0\0\0'), 0, 8, 'uid'), 7);
  // A field that starts with two NULs is 0, whatever follows (libarchive's
  // test_read_format_tar_timestamp_overflow: GNU tar extracts its file empty).
  assert.is(parseNumber(Buffer.from('\0\0\0\0\0\0\x000016\0'), 0, 12, 'size'), 0);
  assert.is(parseNumber(Buffer.from('\0 0644\0\0'), 0, 8, 'mode'), 0o644);
  assert.is(parseNumber(Buffer.from('\t 0644 x'), 0, 8, 'mode'), 0o644);
});

test('parseNumber reads GNU base-256, positive and negative', () => {
  const big = Buffer.alloc(12);
  big[0] = 0x80;
  big.writeUIntBE(2 ** 40 + 5, 6, 6);
  assert.is(parseNumber(big, 0, 12, 'size'), 2 ** 40 + 5);
  const minusOne = Buffer.alloc(12, 0xff);
  assert.is(parseNumber(minusOne, 0, 12, 'mtime'), -1);
  const minus1000 = Buffer.alloc(12, 0xff);
  minus1000.writeIntBE(-1000, 6, 6);
  assert.is(parseNumber(minus1000, 0, 12, 'mtime'), -1000);
});

test('parseNumber refuses base-256 values beyond 2^53', () => {
  const huge = Buffer.alloc(12, 0x7f);
  huge[0] = 0x80;
  assert.throws(() => parseNumber(huge, 0, 12, 'size'), /too large/);
});

test('encodeHeaderBlock writes base-256 when octal cannot hold the value, and it reads back', () => {
  const b = encodeHeaderBlock({ typeflag: '0', name: 'big', uid: 2 ** 31, size: 2 ** 36, mtime: -86400 });
  const h = parseHeaderBlock(b, 0);
  assert.is(h.uid, 2 ** 31);
  assert.is(h.size, 2 ** 36);
  assert.is(h.mtime, -86400);
});

test('isZeroBlock and looksLikeHeader', () => {
  assert.ok(isZeroBlock(Buffer.alloc(512), 0));
  const almost = Buffer.alloc(512);
  almost[511] = 1;
  assert.not.ok(isZeroBlock(almost, 0));
  assert.ok(looksLikeHeader(encodeHeaderBlock({ typeflag: '0', name: 'a', magic: 'v7' }), 0));
  assert.not.ok(looksLikeHeader(Buffer.alloc(512, 0x41), 0));
  assert.not.ok(looksLikeHeader(Buffer.alloc(100), 0));
  // The ustar magic alone is enough: the parser then reports the bad checksum itself.
  const bad = encodeHeaderBlock({ typeflag: '0', name: 'a' });
  bad[0] = 0x7a;
  assert.ok(looksLikeHeader(bad, 0));
});

test('memberType maps typeflags, including the old directory convention', () => {
  assert.is(memberType('0', 'a'), 'file');
  assert.is(memberType('7', 'a'), 'file');
  assert.is(memberType('\0', 'a'), 'file');
  assert.is(memberType('\0', 'a/'), 'dir');
  assert.is(memberType('0', 'a/'), 'file');
  assert.is(memberType('1', 'a'), 'hardlink');
  assert.is(memberType('2', 'a'), 'symlink');
  assert.is(memberType('3', 'a'), 'char');
  assert.is(memberType('4', 'a'), 'block');
  assert.is(memberType('5', 'a'), 'dir');
  assert.is(memberType('6', 'a'), 'fifo');
  // As GNU tar extracts them: a sparse file, a dumpdir, a type it does not know ("extracted as
  // normal file"); a continuation of another volume and the obsolete 'N' it refuses.
  assert.is(memberType('S', 'a'), 'file');
  assert.is(memberType('D', 'a'), 'dir');
  assert.is(memberType('Z', 'a'), 'file');
  assert.is(memberType('\x01', 'a'), 'file');
  assert.is(memberType('M', 'a'), undefined);
  assert.is(memberType('N', 'a'), undefined);
});

test('isHeaderOnly: only regular files carry content', () => {
  assert.not.ok(isHeaderOnly('file'));
  for (const t of ['hardlink', 'symlink', 'char', 'block', 'dir', 'fifo'] as const) assert.ok(isHeaderOnly(t));
});

test.run();
