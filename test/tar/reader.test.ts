import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TarHeader } from '../../src/tar/header.js';
import { TarParser } from '../../src/tar/reader.js';
import { encodePaxRecords } from '../../src/tar/pax.js';
import { encodeEntryHeader, encodeHeaderBlock, TarWriter } from '../../src/tar/writer.js';
import { StrataError } from '../../src/base/errors.js';
import { makeTar, run } from '../import/tar-fixtures.js';

interface Parsed {
  entries: Array<TarHeader & { data: string }>;
  /** meta and content in stream order, rebuilt */
  stream: Buffer;
}

function parse(bytes: Buffer, chunk = bytes.length): Parsed {
  const entries: Parsed['entries'] = [];
  const pieces: Buffer[] = [];
  let data: Buffer[] = [];
  let inEntry = false;
  const p = new TarParser({
    meta: (b) => { pieces.push(Buffer.from(b)); },
    entry: (h) => { inEntry = true; data = []; entries.push({ ...h, data: '' }); },
    content: (b) => { assert.ok(inEntry, 'content outside an entry'); data.push(Buffer.from(b)); pieces.push(Buffer.from(b)); },
    entryEnd: () => { inEntry = false; entries[entries.length - 1]!.data = Buffer.concat(data).toString('latin1'); },
  });
  for (let i = 0; i < bytes.length; i += chunk) p.push(bytes.subarray(i, i + chunk));
  p.end();
  assert.is(p.bytesRead, bytes.length);
  return { entries, stream: Buffer.concat(pieces) };
}

function failure(bytes: Buffer, chunk = bytes.length): string {
  try {
    parse(bytes, chunk);
  } catch (err) {
    assert.instance(err, StrataError);
    return (err as Error).message;
  }
  throw new Error('expected the parse to fail');
}

const sample = (): Buffer => makeTar([
  { name: 'dir/', type: 'dir' },
  { name: 'dir/a.txt', content: 'hello world' },
  { name: 'dir/empty' },
  { name: 'dir/big', content: 'z'.repeat(5000) },
  { name: 'dir/link', type: 'symlink', linkName: 'a.txt' },
  { name: 'dir/hard', type: 'hardlink', linkName: 'dir/a.txt' },
  { name: 'x'.repeat(150), content: 'long' },
]);

test('parses entries and their content', () => {
  const { entries } = parse(sample());
  assert.equal(entries.map((e) => [e.name, e.type, e.data.length]), [
    ['dir/', 'dir', 0], ['dir/a.txt', 'file', 11], ['dir/empty', 'file', 0], ['dir/big', 'file', 5000],
    ['dir/link', 'symlink', 0], ['dir/hard', 'hardlink', 0], ['x'.repeat(150), 'file', 4],
  ]);
  assert.is(entries[1]!.data, 'hello world');
  assert.is(entries[4]!.linkName, 'a.txt');
});

test('meta and content together are the whole stream, in order, for any chunking', () => {
  const bytes = sample();
  const whole = parse(bytes);
  assert.ok(whole.stream.equals(bytes));
  for (const size of [1, 7, 511, 512, 513, 1500]) {
    const p = parse(bytes, size);
    assert.ok(p.stream.equals(bytes), `chunk ${size}`);
    assert.equal(p.entries, whole.entries, `chunk ${size}`);
  }
});

test('GNU tar --format=gnu: L and K long names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-reader-'));
  try {
    const deep = `${'d'.repeat(120)}/${'n'.repeat(200)}`;
    mkdirSync(join(dir, 'src', 'd'.repeat(120)), { recursive: true });
    writeFileSync(join(dir, 'src', deep), 'deep');
    symlinkSync('t'.repeat(300), join(dir, 'src', 'longlink'));
    const bytes = run('tar', ['--format=gnu', '-cf', '-', '-C', join(dir, 'src'), '.']);
    const { entries, stream } = parse(bytes, 1000);
    assert.ok(stream.equals(bytes));
    assert.ok(entries.some((e) => e.name === `./${deep}` && e.data === 'deep'));
    assert.ok(entries.some((e) => e.name === './longlink' && e.type === 'symlink' && e.linkName === 't'.repeat(300)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GNU tar --format=posix: PAX long names and fractional mtimes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-reader-'));
  try {
    const name = 'p'.repeat(240);
    writeFileSync(join(dir, name), 'pax');
    const bytes = run('tar', ['--format=posix', '-cf', '-', '-C', dir, name]);
    const { entries } = parse(bytes, 333);
    assert.is(entries.length, 1);
    assert.is(entries[0]!.name, name);
    assert.is(entries[0]!.data, 'pax');
    assert.ok(entries[0]!.mtime > 1e9);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a global PAX header applies to every later entry; a local one to the next only', () => {
  const g = encodePaxRecords([['uid', '4242'], ['SCHILY.xattr.user.g', 'G']]);
  const x = encodePaxRecords([['path', 'renamed'], ['uid', '7']]);
  const parts = [
    encodeHeaderBlock({ typeflag: 'g', name: 'global', size: g.length }), g, Buffer.alloc(512 - g.length),
    encodeHeaderBlock({ typeflag: 'x', name: 'local', size: x.length }), x, Buffer.alloc(512 - x.length),
    encodeEntryHeader({ name: 'one', type: 'dir', mode: 0o755 }),
    encodeEntryHeader({ name: 'two', type: 'dir', mode: 0o755 }),
    Buffer.alloc(1024),
  ];
  const { entries } = parse(Buffer.concat(parts));
  assert.equal(entries.map((e) => [e.name, e.uid, e.xattrs?.get('user.g')?.toString()]), [['renamed', 7, 'G'], ['two', 4242, 'G']]);
});

test('header-only types never carry content, whatever their size field says (as Go reads them)', () => {
  const dirWithSize = encodeHeaderBlock({ typeflag: '5', name: 'd/', size: 1024 });
  const file = makeTar([{ name: 'f', content: 'data' }]);
  const { entries } = parse(Buffer.concat([dirWithSize, file]));
  assert.equal(entries.map((e) => [e.name, e.size, e.data]), [['d/', 0, ''], ['f', 4, 'data']]);
});

test('the first zero block ends the archive; what follows is kept as meta', () => {
  const body = makeTar([{ name: 'a', content: 'x' }]);
  const withJunk = Buffer.concat([body, Buffer.from('trailing junk that is not a header'), Buffer.alloc(700)]);
  const { entries, stream } = parse(withJunk, 100);
  assert.is(entries.length, 1);
  assert.ok(stream.equals(withJunk));
  const lone = Buffer.concat([body.subarray(0, body.length - 512)]);
  assert.is(parse(lone).entries.length, 1);
});

test('an archive without end-of-archive blocks is accepted at a member boundary', () => {
  const body = makeTar([{ name: 'a', content: 'x' }]);
  assert.is(parse(body.subarray(0, body.length - 1024)).entries.length, 1);
});

test('truncated inside content: the error names the entry and the byte counts', () => {
  const body = makeTar([{ name: 'etc/big', content: 'b'.repeat(3000) }]);
  assert.is(failure(body.subarray(0, 512 + 1000), 300), 'tar entry "etc/big": truncated (the archive ends after 1000 of 3000 bytes)');
});

test('a header that claims far more data than follows is truncated', () => {
  const parts: Buffer[] = [];
  const w = new TarWriter((c) => parts.push(c));
  w.beginEntry({ name: 'liar', type: 'file', mode: 0o644, size: 1 << 30 });
  w.write(Buffer.from('only this'));
  assert.match(failure(Buffer.concat(parts)), /^tar entry "liar": truncated \(the archive ends after 9 of 1073741824 bytes\)$/);
});

test('truncated inside a header, the padding or an extended header', () => {
  const body = makeTar([{ name: 'a', content: 'x' }, { name: 'b'.repeat(200), content: 'y' }]);
  assert.is(failure(body.subarray(0, 300)), 'tar archive is truncated (it ends inside a header)');
  assert.is(failure(body.subarray(0, 600)), 'tar archive is truncated (it ends inside the padding after entry "a")');
  assert.is(failure(body.subarray(0, 1024 + 512 + 10)), 'tar archive is truncated (it ends inside an extended header after entry "a")');
});

test('a bad checksum names the byte offset and the entry before it', () => {
  const body = makeTar([{ name: 'first', content: 'x' }, { name: 'second', content: 'y' }]);
  body[1024 + 3] ^= 0x01;
  assert.is(failure(body, 50), 'tar header at byte 1024 after entry "first": bad header checksum');
});

test('member types GNU tar refuses are refused by name', () => {
  const continued = encodeHeaderBlock({ typeflag: 'M', name: 'part' });
  assert.is(failure(Buffer.concat([continued, Buffer.alloc(1024)])), `tar entry "part": unsupported entry type 'M'`);
  const names = encodeHeaderBlock({ typeflag: 'N', name: 'n' });
  assert.is(failure(Buffer.concat([names, Buffer.alloc(1024)])), `tar entry "n": unsupported entry type 'N'`);
});

test('an extended header with no entry after it is refused', () => {
  const x = encodePaxRecords([['path', 'p']]);
  const bytes = Buffer.concat([encodeHeaderBlock({ typeflag: 'x', name: 'x', size: x.length }), x, Buffer.alloc(512 - x.length), Buffer.alloc(1024)]);
  assert.match(failure(bytes), /extended header with no entry/);
});

test('oversized extension headers are refused before they are read', () => {
  const bytes = Buffer.concat([encodeHeaderBlock({ typeflag: 'L', name: '././@LongLink', size: 64 << 20 }), Buffer.alloc(512)]);
  assert.match(failure(bytes), /extended header of 67108864 bytes is too large/);
});

test('malformed PAX data names its position', () => {
  const junk = Buffer.from('zz path=a\n');
  const bytes = Buffer.concat([encodeHeaderBlock({ typeflag: 'x', name: 'x', size: junk.length }), junk, Buffer.alloc(512 - junk.length)]);
  assert.match(failure(bytes), /^tar header at byte 0: malformed PAX record$/);
});

test.run();
