// A layer gives its tar back byte for byte, whoever wrote the tar.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync, linkSync, truncateSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nodeTar from 'tar';
import { StrataError } from '../../src/base/errors.js';
import { replayLayerTar, TAR_SPLIT_FILE, REPLACED_DIR } from '../../src/import/tar-split.js';
import { encodeHeaderBlock } from '../../src/tar/writer.js';
import { makeTar, run, scratch, sha256, unpackBytes } from './tar-fixtures.js';
import type { Scratch } from './tar-fixtures.js';

async function replay(layerDir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of replayLayerTar(layerDir)) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Unpack `tar`, replay it, and require the same bytes and the same diff_id. */
async function roundTrip(s: Scratch, tar: Buffer, chunk = 4096): Promise<void> {
  const { diffId } = await unpackBytes(tar, s.layer, chunk);
  const back = await replay(s.layer);
  assert.is(back.length, tar.length);
  assert.is(sha256(back), sha256(tar));
  assert.is(diffId, sha256(tar));
}

/** A source tree with what rootfs tarballs hold: long names, links, modes, an empty file. */
function sourceTree(s: Scratch): string {
  const src = join(s.root, 'src');
  const deep = join(src, 'd'.repeat(90), 'e'.repeat(90), 'f'.repeat(90));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'n'.repeat(120)), 'deep file');
  // 125 bytes: ustar needs its prefix field for this one.
  mkdirSync(join(src, 'm'.repeat(60)));
  writeFileSync(join(src, 'm'.repeat(60), 'p'.repeat(60)), 'prefixed');
  mkdirSync(join(src, 'etc'));
  writeFileSync(join(src, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(src, 'etc', 'empty'), '');
  writeFileSync(join(src, 'etc', 'big'), Buffer.alloc(100000, 'b'));
  linkSync(join(src, 'etc', 'passwd'), join(src, 'etc', 'passwd.hard'));
  symlinkSync('/etc/passwd', join(src, 'etc', 'abs-link'));
  symlinkSync('l'.repeat(150), join(src, 'etc', 'long-link'));
  mkdirSync(join(src, 'tmp'), { mode: 0o1777 });
  return src;
}

for (const format of ['gnu', 'oldgnu', 'posix', 'ustar']) {
  test(`GNU tar --format=${format}: replay is byte-identical`, async () => {
    const s = scratch();
    try {
      const src = sourceTree(s);
      // ustar cannot hold a 150-byte symlink target or a 400-byte name: leave them out there.
      const args = format === 'ustar' ? ['--exclude=./etc/long-link', `--exclude=./${'d'.repeat(90)}`] : [];
      const tar = run('tar', [`--format=${format}`, ...args, '-cf', '-', '-C', src, '.']);
      await roundTrip(s, tar, 777);
    } finally {
      s.cleanup();
    }
  });
}

test('busybox tar: replay is byte-identical', async () => {
  const s = scratch();
  try {
    const src = sourceTree(s);
    await roundTrip(s, run('busybox', ['tar', '-cf', '-', '-C', src, '.']));
  } finally {
    s.cleanup();
  }
});

test('node-tar: replay is byte-identical', async () => {
  const s = scratch();
  try {
    const src = sourceTree(s);
    const file = join(s.root, 'node.tar');
    await nodeTar.c({ file, cwd: src, portable: false }, ['.']);
    await roundTrip(s, run('cat', [file]));
  } finally {
    s.cleanup();
  }
});

test('strata\'s own canonical writer, PAX records, xattrs, devices: replay is byte-identical', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'dev/', type: 'dir' },
      { name: 'dev/null', type: 'char', devMajor: 1, devMinor: 3 },
      { name: 'bin/ping', mode: 0o4755, content: 'ping', xattrs: { 'security.capability': Buffer.from([1, 0, 0, 2]) } },
      { name: `${'x'.repeat(300)}`.slice(0, 250), content: 'long name', mtime: 1.5 },
      { name: 'fifo', type: 'fifo' },
    ], { canonical: true });
    await roundTrip(s, tar, 100);
  } finally {
    s.cleanup();
  }
});

test('duplicate paths: the replaced file\'s bytes are kept for the replay', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'f', content: 'first version' },
      { name: 'g', type: 'hardlink', linkName: 'f' },
      { name: 'f', content: 'second version' },
      { name: 'f', content: 'third' },
      { name: 'f', type: 'symlink', linkName: 'x' },
      { name: 'e', content: '' },
      { name: 'e', content: 'now with bytes' },
    ]);
    await roundTrip(s, tar);
    assert.equal(readdirSync(join(s.layer, REPLACED_DIR)).sort(), ['0', '1', '2']);
    assert.equal(readdirSync(s.layer).sort(), [REPLACED_DIR, 'index.json', 'rootfs', TAR_SPLIT_FILE].sort());
  } finally {
    s.cleanup();
  }
});

test('whiteouts with content, header-only entries with a size, trailing bytes, missing end blocks', async () => {
  const s = scratch();
  try {
    const base = makeTar([{ name: 'etc/.wh.passwd', content: 'a whiteout with bytes' }, { name: 'a', content: 'x' }]);
    const dirWithSize = encodeHeaderBlock({ typeflag: '5', name: 'sized-dir/', size: 4096, mode: 0o755 });
    const tar = Buffer.concat([dirWithSize, base.subarray(0, base.length - 1024), Buffer.alloc(1024), Buffer.from('junk after the end'), Buffer.alloc(9000)]);
    await roundTrip(s, tar, 999);
  } finally {
    s.cleanup();
  }
  const t = scratch();
  try {
    const tar = makeTar([{ name: 'a', content: 'x' }]);
    await roundTrip(t, tar.subarray(0, tar.length - 1024));
  } finally {
    t.cleanup();
  }
});

test('an empty archive (only end blocks) replays', async () => {
  const s = scratch();
  try {
    await roundTrip(s, Buffer.alloc(10240));
  } finally {
    s.cleanup();
  }
});

test('the tar-split is compact: zero-filled headers and padding cost little', async () => {
  const s = scratch();
  try {
    const entries = Array.from({ length: 2000 }, (_, i) => ({ name: `usr/share/doc/pkg${i}/copyright`, content: `license ${i}` }));
    const tar = makeTar(entries);
    await unpackBytes(tar, s.layer, 1 << 20);
    const size = statSync(join(s.layer, TAR_SPLIT_FILE)).size;
    // 2000 entries carry ~2 MB of headers and padding; what identifies them is a few dozen bytes each.
    assert.ok(size < 60 * 2000, `tar-split is ${size} bytes`);
    assert.ok(size < tar.length / 20);
  } finally {
    s.cleanup();
  }
});

test('replay refuses a layer whose files changed', async () => {
  const s = scratch();
  try {
    await unpackBytes(makeTar([{ name: 'f', content: 'original' }, { name: 'g', content: 'other' }]), s.layer);
    appendFileSync(join(s.layer, 'rootfs/f'), '!');
    let message = '';
    try {
      await replay(s.layer);
    } catch (err) {
      assert.instance(err, StrataError);
      message = (err as Error).message;
    }
    assert.is(message, 'layer file "/f" has 9 bytes, its tar entry 8');
    truncateSync(join(s.layer, TAR_SPLIT_FILE), 20);
    let corrupt = '';
    try {
      await replay(s.layer);
    } catch (err) {
      corrupt = (err as Error).message;
    }
    assert.match(corrupt, /tar-split: corrupt/);
  } finally {
    s.cleanup();
  }
});

test('replay chunks are fresh buffers (callers may keep them)', async () => {
  const s = scratch();
  try {
    const tar = makeTar([{ name: 'big', content: Buffer.alloc(3 << 20, 7) }, { name: 'small', content: 'x' }]);
    await unpackBytes(tar, s.layer, 1 << 20);
    const kept: Buffer[] = [];
    for await (const chunk of replayLayerTar(s.layer)) kept.push(chunk);
    assert.ok(kept.length > 1);
    assert.ok(Buffer.concat(kept).equals(tar));
  } finally {
    s.cleanup();
  }
});

test.run();
