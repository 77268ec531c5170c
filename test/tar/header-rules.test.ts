// The rules of header-sequence.ts, through every reader that uses them: the streaming parser (in
// chunks of several sizes) and the positional reader must read the same members from the same
// bytes, and refuse the same malformed archive with the same line — as must the two entry points
// users reach, a layer's unpack and an image archive's index.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArchive } from '../../src/archive/archive-reader.js';
import { StrataError } from '../../src/base/errors.js';
import { unpackLayer } from '../../src/import/unpack.js';
import { headerChecksum } from '../../src/tar/header.js';
import type { TarHeader } from '../../src/tar/header.js';
import { MAX_EXTENSION_SIZE } from '../../src/tar/header-sequence.js';
import { encodePaxRecords } from '../../src/tar/pax.js';
import { readTarMembers } from '../../src/tar/positional-reader.js';
import { TarParser } from '../../src/tar/reader.js';
import type { HeaderBlockFields } from '../../src/tar/writer.js';
import { encodeHeaderBlock } from '../../src/tar/writer.js';
import { chunked } from '../import/tar-fixtures.js';

let work: string;
test.before(() => { work = mkdtempSync(join(tmpdir(), 'strata-header-rules-')); });
test.after(() => rmSync(work, { recursive: true, force: true }));

type Member = Pick<TarHeader, 'name' | 'type' | 'size' | 'linkName' | 'uid' | 'gid' | 'mtime'> & { xattrs?: string; data: string };
type Verdict = { members: Member[] } | { refused: string };

const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);
const block = (fields: HeaderBlockFields, data = Buffer.alloc(0)) => Buffer.concat([encodeHeaderBlock({ mode: 0o644, ...fields, size: fields.size ?? data.length }), data, pad(data.length)]);
const file = (name: string, content: string, fields: Partial<HeaderBlockFields> = {}) => block({ typeflag: '0', name, ...fields }, Buffer.from(content));
const ext = (typeflag: string, data: Buffer | string) => block({ typeflag, name: typeflag === 'L' || typeflag === 'K' ? '././@LongLink' : 'pax' }, Buffer.from(data as string, 'latin1'));
const pax = (typeflag: 'x' | 'g', records: Array<[string, string]>) => ext(typeflag, encodePaxRecords(records));
const EOA = Buffer.alloc(1024);

function member(h: TarHeader, data: Buffer): Member {
  const xattrs = h.xattrs && [...h.xattrs].map(([k, v]) => `${k}=${v.toString()}`).join(',');
  return { name: h.name, type: h.type, size: h.size, linkName: h.linkName, uid: h.uid, gid: h.gid, mtime: h.mtime, ...(xattrs ? { xattrs } : {}), data: data.toString('latin1') };
}

function refusal(err: unknown): Verdict {
  if (!(err instanceof StrataError)) throw err;
  return { refused: err.message };
}

/** The layer path's reader: chunks pushed into the streaming parser. */
function streamed(tar: Buffer, chunk: number): Verdict {
  const members: Member[] = [];
  let header: TarHeader | undefined;
  let data: Buffer[] = [];
  const parser = new TarParser({
    meta() {},
    entry: (h) => { header = h; data = []; },
    content: (b) => { data.push(Buffer.from(b)); },
    entryEnd: () => { members.push(member(header!, Buffer.concat(data))); },
  });
  try {
    for (let i = 0; i < tar.length; i += chunk) parser.push(tar.subarray(i, i + chunk));
    parser.end();
  } catch (err) {
    return refusal(err);
  }
  return { members };
}

/** The archive path's reader: headers read by position, each member's data read where it says. */
async function indexed(tar: Buffer): Promise<Verdict> {
  const path = join(work, 'indexed.tar');
  writeFileSync(path, tar);
  const handle = await open(path);
  try {
    const members: Member[] = [];
    for await (const { header, dataAt } of readTarMembers(handle)) members.push(member(header, tar.subarray(dataAt, dataAt + header.size)));
    return { members };
  } catch (err) {
    return refusal(err);
  } finally {
    await handle.close();
  }
}

/** What both readers make of `tar`, checked to be one and the same. */
async function verdict(tar: Buffer): Promise<Verdict> {
  const whole = streamed(tar, tar.length || 1);
  for (const chunk of [7, 512, 4096]) assert.equal(streamed(tar, chunk), whole, `streamed in chunks of ${chunk}`);
  assert.equal(await indexed(tar), whole, 'read by position');
  return whole;
}

async function members(tar: Buffer): Promise<Member[]> {
  const v = await verdict(tar);
  if ('refused' in v) throw new Error(`refused: ${v.refused}`);
  return v.members;
}

/** The line every reader, and both entry points (layer unpack, archive index), refuse `tar` with. */
async function refused(tar: Buffer): Promise<string> {
  const v = await verdict(tar);
  if (!('refused' in v)) throw new Error(`accepted: ${JSON.stringify(v.members.map((m) => m.name))}`);
  const layer = join(work, 'layer');
  rmSync(layer, { recursive: true, force: true });
  mkdirSync(layer);
  const unpacked = await unpackLayer(chunked(tar, 1000), layer).then(() => 'accepted', (err: Error) => err.message);
  assert.is(unpacked, v.refused, 'the layer unpack');
  const path = join(work, 'archive.tar');
  writeFileSync(path, tar);
  const archive = await openArchive(path, { scratchDir: work }).then(async (a) => { await a.close(); return 'accepted'; }, (err: Error) => err.message);
  assert.is(archive, v.refused, 'the archive index');
  return v.refused;
}

const fields = (m: Member[], ...keys: Array<keyof Member>) => m.map((x) => keys.map((k) => x[k]));

test('GNU sparse members: both readers read the map (header, extension blocks, PAX records, 1.0 text) alike', async () => {
  const src = join(work, 'sparse-src');
  mkdirSync(src, { recursive: true });
  const f = join(src, 'f');
  execFileSync('truncate', ['-s', '4M', f]);
  for (const at of [1, 2, 3, 4, 5, 6]) execFileSync('dd', [`of=${f}`, 'bs=1', `seek=${at * 600_000}`, 'conv=notrunc', 'status=none'], { input: `region ${at}` });
  for (const flags of [['--format=gnu'], ['--format=posix', '--sparse-version=0.0'], ['--format=posix', '--sparse-version=0.1'], ['--format=posix', '--sparse-version=1.0']]) {
    const tar = execFileSync('tar', [...flags, '-S', '-cf', '-', '-C', src, 'f']);
    const [m] = await members(tar);
    assert.is(m!.name, 'f', flags.join(' '));
    // GNU tar stores whole blocks around the data: the regions hold it, with zeros about it.
    assert.is(m!.data.replace(/\0/g, ''), [1, 2, 3, 4, 5, 6].map((at) => `region ${at}`).join(''), flags.join(' '));
    assert.ok(m!.data.length < 64 * 1024, `${m!.data.length} stored bytes: the holes are not stored`);
  }
  // An image archive's blobs are read where they lie: a sparse one is refused by name.
  const path = join(work, 'sparse-archive.tar');
  writeFileSync(path, execFileSync('tar', ['--format=gnu', '-S', '-cf', '-', '-C', src, 'f']));
  const opened = await openArchive(path, { scratchDir: work }).then(async (a) => { await a.close(); return 'accepted'; }, (err: Error) => err.message);
  assert.is(opened, 'archive member "f" is a sparse file, which an image archive does not hold');
});

test('PAX records: a long path and link path, a size that overrides the header field, xattrs', async () => {
  const long = `${'p'.repeat(200)}/${'q'.repeat(100)}`;
  const tar = Buffer.concat([
    pax('x', [['path', long], ['SCHILY.xattr.user.k', 'v']]), file('short', 'long-named'),
    pax('x', [['linkpath', 't'.repeat(300)]]), block({ typeflag: '2', name: 'link' }),
    pax('x', [['size', '11']]), block({ typeflag: '0', name: 'sized', size: 0 }, Buffer.from('eleven byte')),
    EOA,
  ]);
  assert.equal(fields(await members(tar), 'name', 'linkName', 'size', 'xattrs', 'data'), [
    [long, '', 10, 'user.k=v', 'long-named'],
    ['link', 't'.repeat(300), 0, undefined, ''],
    ['sized', '', 11, undefined, 'eleven byte'],
  ]);
});

test('a global header applies to every later member beneath its own records, until the next global header replaces it', async () => {
  const tar = Buffer.concat([
    pax('g', [['uid', '4242'], ['SCHILY.xattr.user.g', 'G']]),
    pax('x', [['uid', '7']]), file('one', ''),
    file('two', ''),
    pax('x', [['uid', '']]), file('three', '', { uid: 5 }),
    pax('g', [['gid', '99']]),
    file('four', '', { uid: 6 }),
    EOA,
  ]);
  assert.equal(fields(await members(tar), 'name', 'uid', 'gid', 'xattrs'), [
    ['one', 7, 0, 'user.g=G'],
    ['two', 4242, 0, 'user.g=G'],
    ['three', 5, 0, 'user.g=G'], // an empty record cancels the global one: the header field stands
    ['four', 6, 99, undefined], // the second global header replaced the first one's records
  ]);
});

test('GNU long names and link names; a long name that a PAX path repeats is accepted', async () => {
  const name = 'n'.repeat(300);
  const tar = Buffer.concat([
    ext('L', `${name}\0`), ext('K', 'k'.repeat(200)), block({ typeflag: '1', name: 'cut', linkName: 'cut' }),
    ext('L', name), pax('x', [['path', name]]), file('cut', 'same'),
    EOA,
  ]);
  assert.equal(fields(await members(tar), 'name', 'type', 'linkName', 'data'), [[name, 'hardlink', 'k'.repeat(200), ''], [name, 'file', '', 'same']]);
});

test('a GNU long name and a PAX path that differ are refused (GNU tar and Go would read two names)', async () => {
  const tar = Buffer.concat([ext('L', 'gnu-name'), pax('x', [['path', 'pax-name']]), file('f', 'x'), EOA]);
  assert.is(await refused(tar), 'tar entry "pax-name": its GNU long name and its PAX path differ');
  const links = Buffer.concat([ext('K', 'gnu-target'), pax('g', [['linkpath', 'pax-target']]), block({ typeflag: '2', name: 's' }), EOA]);
  assert.is(await refused(links), 'tar entry "s": its GNU long link name and its PAX linkpath differ');
});

test('base-256 numbers: ids past octal, a negative mtime, a size', async () => {
  const big = block({ typeflag: '0', name: 'big-ids', uid: 2 ** 21 + 5, gid: 2 ** 40, mtime: -1 });
  const sized = file('b256-size', 'abc');
  sized.fill(0, 124, 136);
  sized[124] = 0x80;
  sized[135] = 3;
  sized.write('        ', 148, 8, 'latin1');
  sized.write(`${headerChecksum(sized, 0).unsigned.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  assert.equal(fields(await members(Buffer.concat([big, sized, EOA])), 'name', 'uid', 'gid', 'mtime', 'size', 'data'), [
    ['big-ids', 2 ** 21 + 5, 2 ** 40, -1, 0, ''],
    ['b256-size', 0, 0, 0, 3, 'abc'],
  ]);
});

test('header-only types carry no data, whatever their size field says', async () => {
  const tar = Buffer.concat([block({ typeflag: '5', name: 'd/', size: 1024 }), file('f', 'data'), EOA]);
  assert.equal(fields(await members(tar), 'name', 'size', 'data'), [['d/', 0, ''], ['f', 4, 'data']]);
});

test('the first zero block ends the archive; an archive without one ends at a member boundary', async () => {
  const body = file('a', 'x');
  assert.equal(fields(await members(Buffer.concat([body, Buffer.alloc(512), Buffer.from('junk after the end')])), 'name'), [['a']]);
  assert.equal(fields(await members(body), 'name'), [['a']]);
  assert.equal(await members(Buffer.alloc(0)), []);
});

test('extension data of up to 1 MiB is read; one byte more is refused before it is read', async () => {
  const records = (total: number) => encodePaxRecords([['comment', 'c'.repeat(total - 17)]]);
  assert.is(records(MAX_EXTENSION_SIZE).length, MAX_EXTENSION_SIZE);
  assert.equal(fields(await members(Buffer.concat([ext('x', records(MAX_EXTENSION_SIZE)), file('f', ''), EOA])), 'name'), [['f']]);
  assert.is(await refused(Buffer.concat([ext('x', records(MAX_EXTENSION_SIZE + 1)), file('f', ''), EOA])), 'tar header at byte 0: extended header of 1048577 bytes is too large');
  assert.is(await refused(Buffer.concat([file('a', ''), ext('g', records(MAX_EXTENSION_SIZE + 1)), EOA])), 'tar header at byte 512 after entry "a": extended header of 1048577 bytes is too large');
  assert.is(await refused(Buffer.concat([block({ typeflag: 'L', name: '././@LongLink', size: 64 << 20 }), EOA])), 'tar header at byte 0: extended header of 67108864 bytes is too large');
});

test('malformed PAX records: a bad length, a length past the data, a number that overflows', async () => {
  assert.is(await refused(Buffer.concat([ext('x', 'zz path=a\n'), file('f', ''), EOA])), 'tar header at byte 0: malformed PAX record');
  assert.is(await refused(Buffer.concat([ext('g', '99999999999999999999 path=a\n'), file('f', ''), EOA])), 'tar header at byte 0: malformed PAX record');
  assert.is(await refused(Buffer.concat([ext('x', '30 path=a\n'), file('f', ''), EOA])), 'tar header at byte 0: malformed PAX record');
  assert.is(await refused(Buffer.concat([pax('x', [['size', '9999999999999999']]), file('f', ''), EOA])), 'tar entry "f": PAX size is too large');
  assert.is(await refused(Buffer.concat([pax('x', [['uid', '-1']]), file('f', ''), EOA])), 'tar entry "f": invalid PAX uid "-1"');
});

test('a bad checksum names the byte and the entry before it', async () => {
  const tar = Buffer.concat([file('first', 'x'), file('second', 'y'), EOA]);
  tar[1024 + 3] ^= 1;
  assert.is(await refused(tar), 'tar header at byte 1024 after entry "first": bad header checksum');
});

test('a member type GNU tar refuses is refused by name', async () => {
  assert.is(await refused(Buffer.concat([block({ typeflag: 'M', name: 'part' }, Buffer.from('data')), EOA])), "tar entry \"part\": unsupported entry type 'M'");
});

test('a PAX 1.0 sparse member too short for its map is refused, not read into the next header', async () => {
  const tar = Buffer.concat([
    pax('x', [['GNU.sparse.major', '1'], ['GNU.sparse.minor', '0'], ['GNU.sparse.realsize', '10']]), block({ typeflag: '0', name: 'short' }),
    file('next', 'x'), EOA,
  ]);
  assert.is(await refused(tar), 'tar entry "short": malformed sparse archive member');
});

test('an old GNU sparse member whose map places more or fewer bytes than it stores is refused', async () => {
  // The map is empty (no region), so none of the 4 stored bytes has a place.
  assert.is(await refused(Buffer.concat([block({ typeflag: 'S', name: 'sparse' }, Buffer.from('data')), EOA])), 'tar entry "sparse": malformed sparse archive member');
});

test('a truncated archive: inside data, a header, the padding, an extended header; an extended header with no entry', async () => {
  const tar = Buffer.concat([file('a', 'x'.repeat(2000)), ext('L', 'l'.repeat(600)), file('b', 'y'), EOA]);
  assert.is(await refused(tar.subarray(0, 1200)), 'tar entry "a": truncated (the archive ends after 688 of 2000 bytes)');
  assert.is(await refused(tar.subarray(0, 2530)), 'tar archive is truncated (it ends inside the padding after entry "a")');
  assert.is(await refused(tar.subarray(0, 2560 + 100)), 'tar archive is truncated (it ends inside a header after entry "a")');
  assert.is(await refused(tar.subarray(0, 2560 + 512 + 300)), 'tar archive is truncated (it ends inside an extended header after entry "a")');
  assert.is(await refused(tar.subarray(0, 2560 + 512 + 1024)), 'tar archive ends after an extended header with no entry after entry "a"');
  assert.is(await refused(Buffer.concat([tar.subarray(0, 2560 + 512 + 1024), EOA])), 'tar archive ends after an extended header with no entry after entry "a"');
});

test.run();
