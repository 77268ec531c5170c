import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TarHeader } from '../../src/tar/header.js';
import { TarParser } from '../../src/tar/reader.js';
import type { TarWriteEntry } from '../../src/tar/writer.js';
import { encodeEntryHeader, TarWriter, writeEntryHeader } from '../../src/tar/writer.js';
import { run } from '../import/tar-fixtures.js';

function write(entries: ReadonlyArray<readonly [TarWriteEntry, string?]>, canonical = false): Buffer {
  const parts: Buffer[] = [];
  const w = new TarWriter((c) => parts.push(Buffer.from(c)), { canonical });
  for (const [e, content] of entries) w.add(e, content === undefined ? undefined : Buffer.from(content, 'latin1'));
  w.finish();
  return Buffer.concat(parts);
}

function read(bytes: Buffer): Array<TarHeader & { data: string }> {
  const out: Array<TarHeader & { data: string }> = [];
  let data = '';
  const p = new TarParser({
    meta: () => {},
    entry: (h) => { data = ''; out.push({ ...h, data }); },
    content: (b) => { data += b.toString('latin1'); },
    entryEnd: () => { out[out.length - 1]!.data = data; },
  });
  p.push(bytes);
  p.end();
  return out;
}

test('round trip: every field, through PAX where ustar cannot hold it', () => {
  const long = `${'dir/'.repeat(70)}file`; // 284 bytes: beyond both name (100) and prefix (155)
  const nonUtf8 = `${'\xff'.repeat(120)}/\xfe`;
  const entries: TarWriteEntry[] = [
    { name: 'plain', type: 'file', mode: 0o4755, uid: 1000, gid: 1001, mtime: 1700000000, uname: 'alice', gname: 'staff' },
    { name: long, type: 'file', mode: 0o644, mtime: 1700000000.25 },
    { name: nonUtf8, type: 'file', mode: 0o600 },
    { name: 'big-ids', type: 'dir', mode: 0o1777, uid: 4294967294, gid: 3000000, mtime: -315619200 },
    { name: 'sym', type: 'symlink', mode: 0o777, linkName: 't'.repeat(300) },
    { name: 'hard', type: 'hardlink', mode: 0o644, linkName: long },
    { name: 'dev/null', type: 'char', mode: 0o666, devMajor: 1, devMinor: 3 },
    { name: 'dev/sda', type: 'block', mode: 0o660, devMajor: 8, devMinor: 0 },
    { name: 'fifo', type: 'fifo', mode: 0o644 },
    { name: 'caps', type: 'file', mode: 0o755, xattrs: { 'security.capability': Buffer.from([1, 2, 0, 0]), 'user.é': 'v' } },
  ];
  const back = read(write(entries.map((e) => [e, e.type === 'file' ? `content of ${e.name.length}` : undefined])));
  assert.is(back.length, entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const h = back[i]!;
    assert.is(h.name, e.name);
    assert.is(h.type, e.type);
    assert.is(h.mode, e.mode);
    assert.is(h.uid, e.uid ?? 0);
    assert.is(h.gid, e.gid ?? 0);
    assert.is(h.mtime, e.mtime ?? 0);
    assert.is(h.linkName, e.linkName ?? '');
    assert.is(h.devMajor, e.devMajor ?? 0);
    assert.is(h.devMinor, e.devMinor ?? 0);
    if (e.type === 'file') assert.is(h.data, `content of ${e.name.length}`);
  }
  assert.is(back[0]!.uname, 'alice');
  assert.equal(back[9]!.xattrs?.get('security.capability'), Buffer.from([1, 2, 0, 0]));
  assert.equal(back[9]!.xattrs?.get('user.é'), Buffer.from('v'));
});

test('PAX records for non-UTF-8 names are marked hdrcharset=BINARY', () => {
  const header = encodeEntryHeader({ name: `${'\xff'.repeat(120)}`, type: 'file', mode: 0o644 });
  assert.ok(header.toString('latin1').includes('hdrcharset=BINARY'));
  const utf8 = encodeEntryHeader({ name: 'é'.repeat(80), type: 'file', mode: 0o644 });
  assert.not.ok(utf8.toString('latin1').includes('hdrcharset'));
});

test('short plain entries are a single ustar block', () => {
  assert.is(encodeEntryHeader({ name: 'etc/passwd', type: 'file', mode: 0o644, size: 10, mtime: 1 }).length, 512);
});

test('writeEntryHeader writes encodeEntryHeader\'s bytes in place, or nothing when they do not fit', () => {
  const entries: TarWriteEntry[] = [
    { name: 'etc/passwd', type: 'file', mode: 0o644, size: 10, mtime: 1700000000 },
    { name: 'max', type: 'file', mode: 0o7777, uid: 8 ** 7 - 1, gid: 8 ** 7 - 1, size: 8 ** 11 - 1, mtime: 8 ** 11 - 1 },
    // Over 8 GiB: the size goes in a PAX record, the ustar field holds 0.
    { name: 'huge', type: 'file', mode: 0o644, size: 9 * 2 ** 30 + 5, mtime: 1700000000 },
    { name: 'ids', type: 'dir', mode: 0o755, uid: 8 ** 7, gid: 4294967294, mtime: -1 },
    { name: 'frac', type: 'file', mode: 0o600, mtime: 1700000000.5 },
    { name: `${'n'.repeat(101)}`, type: 'symlink', mode: 0o777, linkName: 'l'.repeat(101) },
    { name: 'dev/sda', type: 'block', mode: 0o660, devMajor: 8, devMinor: 0 },
    { name: 'named', type: 'file', mode: 0o644, uname: 'u'.repeat(40), gname: 'staff' },
    { name: 'caps', type: 'file', mode: 0o755, xattrs: { 'security.capability': Buffer.from([1, 0, 0, 2]) } },
  ];
  for (const canonical of [false, true]) {
    for (const e of entries) {
      const expected = encodeEntryHeader(e, { canonical });
      const target = Buffer.alloc(expected.length + 700, 0xaa);
      assert.is(writeEntryHeader(target, 100, e, { canonical }), expected.length, e.name);
      assert.ok(target.subarray(100, 100 + expected.length).equals(expected), e.name);
      assert.ok(target.subarray(0, 100).equals(Buffer.alloc(100, 0xaa)) && target.subarray(100 + expected.length).equals(Buffer.alloc(600, 0xaa)), 'nothing outside');
      const tight = Buffer.alloc(expected.length + 99, 0xaa);
      assert.is(writeEntryHeader(tight, 100, e, { canonical }), -1, e.name);
      assert.ok(tight.equals(Buffer.alloc(expected.length + 99, 0xaa)), 'nothing written');
    }
  }
  assert.ok(encodeEntryHeader(entries[2]!).toString('latin1').includes(` size=${9 * 2 ** 30 + 5}\n`));
});

test('canonical mode: no user or group names, same bytes for the same entries', () => {
  const entries: ReadonlyArray<readonly [TarWriteEntry, string?]> = [
    [{ name: 'a/', type: 'dir', mode: 0o755, uname: 'root', gname: 'root', mtime: 5 }],
    [{ name: 'a/f', type: 'file', mode: 0o644, uname: 'root', mtime: 5 }, 'x'],
  ];
  const one = write(entries, true);
  assert.ok(one.equals(write(entries, true)));
  assert.not.ok(one.toString('latin1').includes('root'));
  assert.ok(write(entries, false).toString('latin1').includes('root'));
  assert.is(one.length % 512, 0);
  assert.ok(one.subarray(one.length - 1024).equals(Buffer.alloc(1024)));
});

test('hostile names are written verbatim: the writer is not where names are checked', () => {
  const names = ['../../etc/x', '/etc/passwd', 'a/../../b', 'nul\0name', '', './'];
  const back = read(write(names.map((name) => [{ name, type: 'file', mode: 0o644 }, 'evil'])));
  assert.equal(back.map((h) => h.name), names);
  const link = read(write([[{ name: 'h', type: 'hardlink', mode: 0o644, linkName: '../../../etc/shadow' }]]));
  assert.is(link[0]!.linkName, '../../../etc/shadow');
});

test('streaming content: beginEntry + write, and the byte count is enforced', () => {
  const parts: Buffer[] = [];
  const w = new TarWriter((c) => parts.push(c));
  w.beginEntry({ name: 'f', type: 'file', mode: 0o644, size: 6 });
  w.write(Buffer.from('abc'));
  assert.throws(() => w.write(Buffer.from('defg')), /more content than the entry size/);
  w.write(Buffer.from('def'));
  w.finish();
  assert.is(read(Buffer.concat(parts))[0]!.data, 'abcdef');
  const short = new TarWriter(() => {});
  short.beginEntry({ name: 'f', type: 'file', mode: 0o644, size: 6 });
  assert.throws(() => short.finish(), /incomplete/);
  assert.throws(() => short.beginEntry({ name: 'g', type: 'file', mode: 0o644 }), /incomplete/);
});

test('GNU tar reads what the writer writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-writer-'));
  try {
    const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`;
    const bytes = write([
      [{ name: `${'d'.repeat(120)}/`, type: 'dir', mode: 0o750, mtime: 1600000000 }],
      [{ name: long, type: 'file', mode: 0o640, mtime: 1600000000.5 }, 'long file'],
      [{ name: 'link', type: 'symlink', mode: 0o777, linkName: 'x'.repeat(200) }],
      [{ name: 'big', type: 'file', mode: 0o600, uid: 5000000, gid: 5000001 }, 'ids'],
    ]);
    writeFileSync(join(dir, 'a.tar'), bytes);
    const listing = run('tar', ['-tvf', join(dir, 'a.tar'), '--numeric-owner']).toString();
    assert.match(listing, /5000000\/5000001/);
    run('tar', ['-xf', join(dir, 'a.tar'), '-C', dir, '--numeric-owner']);
    assert.is(readFileSync(join(dir, long), 'utf8'), 'long file');
    assert.is(readlinkSync(join(dir, 'link')), 'x'.repeat(200));
    const st = statSync(join(dir, long));
    assert.is(st.mode & 0o7777, 0o640);
    assert.is(st.mtimeMs, 1600000000500);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
