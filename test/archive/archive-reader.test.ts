import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { memberName, openArchive, type Archive } from '../../src/archive/archive-reader.js';
import { TarWriter } from '../../src/tar/writer.js';
import { tempDir } from './umoci-fixture.js';

let work: string;
test.before(() => { work = tempDir(); });
test.after(() => rmSync(work, { recursive: true, force: true }));

const file = (name: string, content: string) => ({ entry: { name, type: 'file' as const, mode: 0o644 }, content: Buffer.from(content) });

function tarOf(members: Array<{ entry: Parameters<TarWriter['add']>[0]; content?: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const w = new TarWriter((c) => parts.push(Buffer.from(c)));
  for (const m of members) w.add(m.entry, m.content);
  w.finish();
  return Buffer.concat(parts);
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.match(String(err), pattern);
    return;
  }
  assert.unreachable('expected a rejection');
}

async function readAll(a: Archive, name: string): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of a.read(name)) parts.push(c);
  return Buffer.concat(parts).toString();
}

test('memberName: normalized relative names; climbing, absolute and empty names refused', () => {
  assert.is(memberName('./blobs//sha256/./x'), 'blobs/sha256/x');
  assert.is(memberName('../x'), undefined);
  assert.is(memberName('a/../b'), undefined);
  assert.is(memberName('/etc/passwd'), undefined);
  assert.is(memberName('./'), undefined);
});

test('openArchive: a tar is indexed by headers; members read by position', async () => {
  const long = `blobs/sha256/${'a'.repeat(150)}`;
  const path = join(work, 'a.tar');
  writeFileSync(path, tarOf([
    file('./layer.tar', 'L'.repeat(1500)),
    { entry: { name: 'dir/', type: 'dir', mode: 0o755 } },
    file(long, 'long name via PAX'),
    { entry: { name: 'legacy/layer.tar', type: 'symlink', mode: 0o777, linkName: '../layer.tar' } },
    { entry: { name: 'hard', type: 'hardlink', mode: 0o644, linkName: 'layer.tar' } },
    { entry: { name: 'escape', type: 'symlink', mode: 0o777, linkName: '../../etc/passwd' } },
    { entry: { name: 'abs', type: 'symlink', mode: 0o777, linkName: '/etc/passwd' } },
    { entry: { name: 'loop1', type: 'symlink', mode: 0o777, linkName: 'loop2' } },
    { entry: { name: 'loop2', type: 'symlink', mode: 0o777, linkName: 'loop1' } },
    file('../outside', 'never indexed'),
    file('manifest.json', '[]'),
  ]));
  const a = await openArchive(path, { scratchDir: work });
  try {
    assert.is(a.size('layer.tar'), 1500);
    assert.is(await readAll(a, 'layer.tar'), 'L'.repeat(1500));
    assert.is(await readAll(a, long), 'long name via PAX');
    assert.is(a.size('legacy/layer.tar'), 1500, 'a symlink member is followed inside the archive');
    assert.is(a.size('hard'), 1500);
    assert.is(await readAll(a, 'manifest.json'), '[]');
    for (const name of ['dir', 'escape', 'abs', 'loop1', 'outside', '../outside', 'missing']) assert.is(a.size(name), undefined, name);
  } finally {
    await a.close();
  }
});

test('openArchive: a gzip-compressed tar is decompressed into the scratch directory first', async () => {
  const path = join(work, 'a.tar.gz');
  writeFileSync(path, gzipSync(tarOf([file('manifest.json', '[1]')])));
  const scratch = join(work, 'scratch');
  mkdirSync(scratch);
  const a = await openArchive(path, { scratchDir: scratch });
  assert.is(await readAll(a, 'manifest.json'), '[1]');
  await a.close();
});

test('openArchive: a directory is read without following a symlinked member', async () => {
  const dir = join(work, 'layout');
  mkdirSync(join(dir, 'blobs'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), '{}');
  writeFileSync(join(work, 'secret'), 'host file');
  symlinkSync(join(work, 'secret'), join(dir, 'blobs', 'link'));
  const a = await openArchive(dir, { scratchDir: work });
  assert.is(a.size('oci-layout'), 2);
  assert.is(a.size('blobs/link'), undefined);
  assert.is(a.size('../secret'), undefined);
  await a.close();
});

test('openArchive: a truncated tar or one with a bad header is a one-line error, as a layer\'s would be', async () => {
  const path = join(work, 'cut.tar');
  writeFileSync(path, tarOf([file('big', 'x'.repeat(5000))]));
  truncateSync(path, 2048);
  await rejects(openArchive(path, { scratchDir: work }), /^StrataError: tar entry "big": truncated \(the archive ends after 1536 of 5000 bytes\)$/);
  const good = tarOf([file('a', 'a')]);
  const damaged = Buffer.from(good.subarray(0, 512));
  damaged[0] = 0x62; // the name changes, the checksum does not
  const bad = Buffer.concat([good.subarray(0, 1024), damaged, Buffer.alloc(1024)]);
  writeFileSync(path, bad);
  await rejects(openArchive(path, { scratchDir: work }), /^StrataError: tar header at byte 1024 after entry "a": bad header checksum$/);
  writeFileSync(path, 'not an archive at all');
  await rejects(openArchive(path, { scratchDir: work }), /not a directory, a tar or a compressed tar/);
});

test.run();
