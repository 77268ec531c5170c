// Hostile layers. Every test points an attack at a real host directory next to the layer (the
// scratch's `outside`, holding a sentinel file) and checks the exact one-line refusal, that the
// sentinel is untouched and that nothing was created outside the layer directory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError, oneLine } from '../../src/base/errors.js';
import { openTarSource } from '../../src/import/decompress.js';
import { unpackLayer } from '../../src/import/unpack.js';
import { encodeEntryHeader, encodeHeaderBlock, TarWriter } from '../../src/tar/writer.js';
import type { FixtureEntry, Scratch } from './tar-fixtures.js';
import { makeTar, run, scratch, unpackBytes } from './tar-fixtures.js';

/** Unpack `entries(outside)` and return the one-line error; assert the host is untouched. */
async function refused(entries: (s: Scratch) => FixtureEntry[] | Buffer): Promise<string> {
  const s = scratch();
  try {
    const made = entries(s);
    const tar = Buffer.isBuffer(made) ? made : makeTar(made);
    let message: string | undefined;
    try {
      await unpackBytes(tar, s.layer, 1000);
    } catch (err) {
      assert.instance(err, StrataError);
      message = oneLine(err);
    }
    assertUntouched(s);
    if (message === undefined) throw new Error('the layer was accepted');
    // One line, nothing unprintable: a NUL byte in a name shows as \x00.
    assert.not.match(message, /[\p{Cc}]/u);
    return message;
  } finally {
    s.cleanup();
  }
}

function assertUntouched(s: Scratch): void {
  assert.equal(s.outsideListing(), ['sentinel']);
  assert.is(readFileSync(join(s.outside, 'sentinel'), 'utf8'), 'untouched');
  assert.equal(readdirSync(s.root).sort(), ['layer', 'outside']);
}

test('names that climb out', async () => {
  assert.is(await refused(() => [{ name: '../../outside/pwned', content: 'x' }]), 'layer entry "../../outside/pwned": name climbs out of the layer');
  assert.is(await refused(() => [{ name: 'a/../../../outside/pwned', content: 'x' }]), 'layer entry "a/../../../outside/pwned": name climbs out of the layer');
  assert.is(await refused(() => [{ name: '..', type: 'dir' }]), 'layer entry "..": name climbs out of the layer');
  assert.is(await refused(() => [{ name: 'a/../b', content: 'x' }]), 'layer entry "a/../b": name has a ".." component');
  assert.is(await refused(() => [{ name: `${'d/'.repeat(60)}${'../'.repeat(62)}outside/pwned`, content: 'x' }]), `layer entry "${'d/'.repeat(60)}${'../'.repeat(62)}outside/pwned": name climbs out of the layer`);
});

test('absolute names land inside the layer; the root entry sets the root directory', async () => {
  const s = scratch();
  try {
    const { index } = await unpackBytes(makeTar([
      { name: '/', type: 'dir', mode: 0o750, mtime: 1500000000 },
      { name: join(s.outside, 'pwned'), content: 'x' },
      { name: 'h', type: 'hardlink', linkName: join(s.outside, 'pwned') },
    ]), s.layer, 1000);
    assertUntouched(s);
    assert.is(readFileSync(join(s.layer, 'rootfs', s.outside, 'pwned'), 'utf8'), 'x');
    assert.is(lstatSync(join(s.layer, 'rootfs', 'h')).nlink, 2);
    assert.is(lstatSync(join(s.layer, 'rootfs')).mode & 0o7777, 0o750);
    assert.is(index.entries.get('/' as never)?.mode, 0o750);
  } finally {
    s.cleanup();
  }
  assert.match(await refused((s) => [{ name: `/..${s.outside}/pwned`, content: 'x' }]), /^layer entry "\/\.\.\/.*\/outside\/pwned": name climbs out of the layer$/);
});

test('empty names name the root; a file there and NUL bytes are refused', async () => {
  assert.is(await refused(() => [{ name: '', content: 'x' }]), 'layer entry "": would change the type of the layer root');
  assert.is(await refused(() => [{ name: '/', type: 'symlink', linkName: '/etc' }]), 'layer entry "/": would change the type of the layer root');
  // The name is shown escaped (displayPath): the NUL as \x00.
  assert.is(await refused(() => [{ name: 'etc/pass\0wd/../../../outside/pwned', content: 'x' }]), 'layer entry "etc/pass\\x00wd/../../../outside/pwned": name contains a NUL byte');
});

test('an entry under a symlink of this layer, absolute target', async () => {
  assert.is(await refused((s) => [
    { name: 'link', type: 'symlink', linkName: s.outside },
    { name: 'link/pwned', content: 'x' },
  ]), 'layer entry "link/pwned": its parent "/link" is a symlink');
});

test('an entry under a symlink of this layer, relative target that climbs', async () => {
  assert.is(await refused(() => [
    { name: 'a/', type: 'dir' },
    { name: 'a/link', type: 'symlink', linkName: '../../../outside' },
    { name: 'a/link/deeper/pwned', content: 'x' },
  ]), 'layer entry "a/link/deeper/pwned": its parent "/a/link" is a symlink');
});

test('any entry under any symlink is refused, even one pointing inside the layer', async () => {
  assert.is(await refused(() => [
    { name: 'real/', type: 'dir' },
    { name: 'alias', type: 'symlink', linkName: 'real' },
    { name: 'alias/x', type: 'dir' },
  ]), 'layer entry "alias/x": its parent "/alias" is a symlink');
  assert.is(await refused((s) => [
    { name: 'l', type: 'symlink', linkName: s.outside },
    { name: 'l/.wh.sentinel', content: '' },
  ]), 'layer entry "l/.wh.sentinel": its parent "/l" is a symlink');
  assert.is(await refused((s) => [
    { name: 'l', type: 'symlink', linkName: s.outside },
    { name: 'l/.wh..wh..opq', content: '' },
  ]), 'layer entry "l/.wh..wh..opq": its parent "/l" is a symlink');
  assert.is(await refused((s) => [
    { name: 'l', type: 'symlink', linkName: s.outside },
    { name: 'l/h', type: 'hardlink', linkName: 'l' },
  ]), 'layer entry "l/h": hard link target "/l" is not a regular file');
});

test('an entry under a file or a device of this layer', async () => {
  assert.is(await refused(() => [{ name: 'f', content: 'x' }, { name: 'f/g', content: 'y' }]), 'layer entry "f/g": its parent "/f" is not a directory');
  assert.is(await refused(() => [{ name: 'null', type: 'char', devMajor: 1, devMinor: 3 }, { name: 'null/x', content: 'y' }]), 'layer entry "null/x": its parent "/null" is not a directory');
});

test('a regular file over a symlink that points out replaces the link, never writes through it', async () => {
  const s = scratch();
  try {
    const { index } = await unpackBytes(makeTar([
      { name: 'evil', type: 'symlink', linkName: join(s.outside, 'sentinel') },
      { name: 'evil', content: 'overwrite attempt' },
      { name: 'evil2', type: 'symlink', linkName: '../../outside/sentinel' },
      { name: 'real', content: 'r' },
      { name: 'evil2', type: 'hardlink', linkName: 'real' },
      { name: 'evil3', type: 'symlink', linkName: s.outside },
      { name: 'evil3/', type: 'dir' },
      { name: 'evil3/pwned', content: 'inside now' },
    ]), s.layer);
    assertUntouched(s);
    const root = join(s.layer, 'rootfs');
    assert.ok(lstatSync(join(root, 'evil')).isFile());
    assert.is(readFileSync(join(root, 'evil'), 'utf8'), 'overwrite attempt');
    assert.ok(lstatSync(join(root, 'evil2')).isFile());
    assert.ok(lstatSync(join(root, 'evil3')).isDirectory());
    assert.is(readFileSync(join(root, 'evil3/pwned'), 'utf8'), 'inside now');
    assert.is(index.entries.get('/evil3' as never)?.type, 'dir');
  } finally {
    s.cleanup();
  }
});

test('hard links whose target is outside, climbs out, is missing or is not a regular file', async () => {
  assert.is(await refused(() => [{ name: 'h', type: 'hardlink', linkName: '../../outside/sentinel' }]), 'layer entry "h": hard link target "../../outside/sentinel": name climbs out of the layer');
  assert.match(await refused((s) => [{ name: 'h', type: 'hardlink', linkName: join(s.outside, 'sentinel') }]), /^layer entry "h": hard link target "\/.*\/outside\/sentinel" is not in the layer$/);
  assert.is(await refused(() => [{ name: 'h', type: 'hardlink', linkName: 'nope' }]), 'layer entry "h": hard link target "/nope" is not in the layer');
  assert.is(await refused(() => [{ name: 'h', type: 'hardlink', linkName: '' }]), 'layer entry "h": hard link target "/" is not in the layer');
  assert.is(await refused(() => [{ name: 'd/', type: 'dir' }, { name: 'h', type: 'hardlink', linkName: 'd' }]), 'layer entry "h": hard link target "/d" is not a regular file');
  assert.is(await refused((s) => [
    { name: 's', type: 'symlink', linkName: join(s.outside, 'sentinel') },
    { name: 'h', type: 'hardlink', linkName: 's' },
  ]), 'layer entry "h": hard link target "/s" is not a regular file');
  assert.is(await refused(() => [{ name: 'c', type: 'char', devMajor: 1, devMinor: 1 }, { name: 'h', type: 'hardlink', linkName: 'c' }]), 'layer entry "h": hard link target "/c" is not a regular file');
  assert.is(await refused((s) => [
    { name: 'l', type: 'symlink', linkName: s.outside },
    { name: 'h', type: 'hardlink', linkName: 'l/sentinel' },
  ]), 'layer entry "h": hard link target "/l/sentinel" is not in the layer');
  assert.is(await refused(() => [{ name: 'f', content: 'x' }, { name: 'f', type: 'hardlink', linkName: 'f' }]), 'layer entry "f": hard link to itself');
  assert.is(await refused(() => [{ name: '.wh.x', content: '' }, { name: 'h', type: 'hardlink', linkName: '.wh.x' }]), 'layer entry "h": hard link target "/.wh.x" is not in the layer');
});

test('whiteouts that climb out, of "." or "..", empty, or with children', async () => {
  assert.is(await refused(() => [{ name: 'a/.wh..', content: '' }]), 'layer entry "a/.wh..": whiteout of "." is not a name in its directory');
  assert.is(await refused(() => [{ name: 'a/.wh...', content: '' }]), 'layer entry "a/.wh...": whiteout of ".." is not a name in its directory');
  assert.is(await refused(() => [{ name: '.wh.', content: '' }]), 'layer entry ".wh.": whiteout of "" is not a name in its directory');
  assert.is(await refused(() => [{ name: '.wh.../../../outside/sentinel', content: '' }]), 'layer entry ".wh.../../../outside/sentinel": name climbs out of the layer');
  assert.is(await refused(() => [{ name: '.wh.../sentinel', content: '' }]), 'layer entry ".wh.../sentinel": whiteout ".wh..." cannot be a directory');
  assert.is(await refused(() => [{ name: '../.wh.outside', content: '' }]), 'layer entry "../.wh.outside": name climbs out of the layer');
  assert.is(await refused(() => [{ name: 'a/.wh.b/c', content: '' }]), 'layer entry "a/.wh.b/c": whiteout ".wh.b" cannot be a directory');
  assert.is(await refused(() => [{ name: '.wh..wh.plnk/1.2', content: '' }]), 'layer entry ".wh..wh.plnk/1.2": whiteout ".wh..wh.plnk" cannot be a directory');
});

test('changing the type of the layer root is refused', async () => {
  assert.is(await refused((s) => [{ name: './', type: 'symlink', linkName: s.outside }]), 'layer entry "./": would change the type of the layer root');
  assert.is(await refused(() => [{ name: '.', content: 'x' }]), 'layer entry ".": would change the type of the layer root');
  assert.is(await refused(() => [{ name: 'f', content: 'x' }, { name: './', type: 'hardlink', linkName: 'f' }]), 'layer entry "./": would change the type of the layer root');
  assert.is(await refused(() => [{ name: '.', type: 'fifo' }]), 'layer entry ".": would change the type of the layer root');
});

test('replacing a non-empty directory with a non-directory is refused', async () => {
  assert.is(await refused(() => [{ name: 'd/', type: 'dir' }, { name: 'd/f', content: 'x' }, { name: 'd', type: 'symlink', linkName: '/' }]), 'layer entry "d": replaces a non-empty directory');
});

test('symlinks with empty targets are refused', async () => {
  assert.is(await refused(() => [{ name: 's', type: 'symlink', linkName: '' }]), 'layer entry "s": symlink with an empty target');
});

test('symlink loops are harmless: stored, never followed', async () => {
  const s = scratch();
  try {
    await unpackBytes(makeTar([
      { name: 'a', type: 'symlink', linkName: 'b' },
      { name: 'b', type: 'symlink', linkName: 'a' },
      { name: 'self', type: 'symlink', linkName: 'self' },
      { name: 'c', content: 'after the loop' },
    ]), s.layer);
    assertUntouched(s);
    assert.is(readlinkSync(join(s.layer, 'rootfs/a')), 'b');
    assert.is(readlinkSync(join(s.layer, 'rootfs/self')), 'self');
    assert.is(readFileSync(join(s.layer, 'rootfs/c'), 'utf8'), 'after the loop');
  } finally {
    s.cleanup();
  }
  assert.is(await refused(() => [{ name: 'a', type: 'symlink', linkName: 'a' }, { name: 'a/x', content: '' }]), 'layer entry "a/x": its parent "/a" is a symlink');
});

test('a truncated tar, a header claiming more data than follows, a bad checksum', async () => {
  const tar = makeTar([{ name: 'a', content: 'x'.repeat(2000) }, { name: 'b', content: 'y' }]);
  assert.is(await refused(() => tar.subarray(0, 1200)), 'tar entry "a": truncated (the archive ends after 688 of 2000 bytes)');
  const liar: Buffer[] = [];
  const w = new TarWriter((c) => liar.push(c));
  w.beginEntry({ name: 'big', type: 'file', mode: 0o644, size: 50 << 20 });
  w.writeRaw(Buffer.alloc(100, 1));
  assert.is(await refused(() => Buffer.concat(liar)), 'tar entry "big": truncated (the archive ends after 100 of 52428800 bytes)');
  const bad = Buffer.from(tar);
  bad[2560] ^= 4;
  assert.is(await refused(() => bad), 'tar header at byte 2560 after entry "a": bad header checksum');
});

test('oversized PAX records and member types GNU tar refuses are refused', async () => {
  const continued = Buffer.concat([encodeHeaderBlock({ typeflag: 'M', name: 'part' }), Buffer.alloc(1024)]);
  assert.is(await refused(() => continued), "tar entry \"part\": unsupported entry type 'M'");
  const nul = Buffer.concat([encodeEntryHeader({ name: 'x\0y', type: 'file', mode: 0o644 }), Buffer.alloc(1024)]);
  assert.is(await refused(() => nul), 'layer entry "x\\x00y": name contains a NUL byte');
});

for (const [kind, cmd] of [['gzip', 'gzip'], ['xz', 'xz'], ['zstd', 'zstd']] as const) {
  test(`corrupt ${kind} input leaves nothing outside and fails in one line`, async () => {
    const s = scratch();
    try {
      const tar = makeTar([{ name: 'f', content: 'hello '.repeat(5000) }]);
      const packed = Buffer.from(run(cmd, ['-c'], { input: tar }));
      const file = join(s.layer, '..', `in.${kind}`);
      writeFileSync(file, packed.subarray(0, packed.length - 20));
      let message = '';
      try {
        const src = await openTarSource(file);
        await unpackLayer(src.chunks, s.layer);
      } catch (err) {
        message = oneLine(err);
      }
      assert.is(message, `corrupt ${kind} data (the data ends too soon)`);
      assert.equal(s.outsideListing(), ['sentinel']);
    } finally {
      s.cleanup();
    }
  });
}

test('unknown compression fails before the layer directory is touched', async () => {
  const s = scratch();
  try {
    const file = join(s.root, 'in.bz2');
    writeFileSync(file, run('bzip2', ['-c'], { input: makeTar([{ name: 'f', content: 'x' }]) }));
    let message = '';
    try {
      await openTarSource(file);
    } catch (err) {
      message = oneLine(err);
    }
    assert.match(message, /^unknown compression \(magic 0x425a68[0-9a-f]{2}\)$/);
    assert.equal(readdirSync(s.layer), []);
  } finally {
    s.cleanup();
  }
});

test.run();
