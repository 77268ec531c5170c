// unpackLayer writes what the tar says: owners, exact modes, mtimes, links, and an index that
// matches the tree on disk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { xxhash128 } from 'hash-wasm';
import type { BytePath } from '../../src/base/byte-path.js';
import { parseIndex } from '../../src/base/layer-index.js';
import type { IndexEntry } from '../../src/base/layer-index.js';
import { openTarSource } from '../../src/import/decompress.js';
import { unpackLayer } from '../../src/import/unpack.js';
import { makeTar, run, scratch, sha256, unpackBytes } from './tar-fixtures.js';

const asRoot = process.geteuid?.() === 0;
const T = 1700000000;

function entry(index: { entries: ReadonlyMap<BytePath, IndexEntry> }, path: string): IndexEntry {
  const e = index.entries.get(path as BytePath);
  if (!e) throw new Error(`no index entry for ${path}`);
  return e;
}

test('owners and exact modes, setuid/setgid/sticky included, no umask', async () => {
  const s = scratch();
  try {
    const files: Array<[string, number, number, number]> = [
      ['plain', 0o644, 0, 0], ['private', 0o600, 1000, 1000], ['exec', 0o755, 0, 0], ['none', 0o000, 0, 0],
      ['group-writable', 0o664, 0, 50], ['suid-user', 0o4755, 1000, 1001], ['sgid', 0o2755, 0, 42], ['both', 0o6755, 0, 0],
    ];
    const tar = makeTar([
      { name: 'tmp/', type: 'dir', mode: 0o1777 },
      { name: 'shared/', type: 'dir', mode: 0o2775, uid: 0, gid: 100 },
      { name: 'ro/', type: 'dir', mode: 0o555 },
      { name: 'ro/inside', content: 'written after its 0555 parent' },
      { name: 'home/', type: 'dir', mode: 0o700, uid: 1000, gid: 1000 },
      ...files.map(([name, mode, uid, gid]) => ({ name: `bin/${name}`, mode, uid, gid, content: name })),
    ]);
    const { index } = await unpackBytes(tar, s.layer);
    const root = join(s.layer, 'rootfs');
    for (const [name, mode, uid, gid] of files) {
      const st = statSync(join(root, 'bin', name));
      assert.is(st.mode & 0o7777, mode, name);
      if (asRoot) assert.equal([st.uid, st.gid], [uid, gid], name);
      assert.equal([entry(index, `/bin/${name}`).mode, entry(index, `/bin/${name}`).uid, entry(index, `/bin/${name}`).gid], [mode, uid, gid]);
    }
    assert.is(statSync(join(root, 'tmp')).mode & 0o7777, 0o1777);
    assert.is(statSync(join(root, 'shared')).mode & 0o7777, 0o2775);
    assert.is(statSync(join(root, 'ro')).mode & 0o7777, 0o555);
    assert.is(readFileSync(join(root, 'ro/inside'), 'utf8'), 'written after its 0555 parent');
    if (asRoot) {
      assert.is(statSync(join(root, 'shared')).gid, 100);
      assert.equal([statSync(join(root, 'home')).uid, statSync(join(root, 'home')).gid], [1000, 1000]);
    }
  } finally {
    s.cleanup();
  }
});

test('files in a setgid directory keep the group the tar gives them', async () => {
  if (!asRoot) return;
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'g/', type: 'dir', mode: 0o2775, gid: 100 },
      { name: 'g/f', gid: 0, content: 'x' },
      { name: 'g/sub/', type: 'dir', mode: 0o755, gid: 0 },
    ]);
    await unpackBytes(tar, s.layer);
    assert.is(statSync(join(s.layer, 'rootfs/g/f')).gid, 0);
    assert.is(statSync(join(s.layer, 'rootfs/g/sub')).gid, 0);
    assert.is(statSync(join(s.layer, 'rootfs/g/sub')).mode & 0o7777, 0o755);
  } finally {
    s.cleanup();
  }
});

test('mtimes of files, directories (after their children), symlinks; fractions and dates before 1970', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'd/', type: 'dir', mtime: 1000000000 },
      { name: 'd/f', mtime: 1100000000, content: 'x' },
      { name: 'd/sub/', type: 'dir', mtime: 1200000000 },
      { name: 'd/sub/g', mtime: 1300000000.25, content: 'y' },
      { name: 'd/link', type: 'symlink', linkName: 'f', mtime: 1400000000 },
      { name: 'old', mtime: -86400 * 365, content: 'z' },
    ]);
    const { index } = await unpackBytes(tar, s.layer);
    const root = join(s.layer, 'rootfs');
    assert.is(statSync(join(root, 'd')).mtimeMs, 1000000000000);
    assert.is(statSync(join(root, 'd/f')).mtimeMs, 1100000000000);
    assert.is(statSync(join(root, 'd/sub')).mtimeMs, 1200000000000);
    assert.is(statSync(join(root, 'd/sub/g')).mtimeMs, 1300000000250);
    assert.is(lstatSync(join(root, 'd/link')).mtimeMs, 1400000000000);
    assert.is(statSync(join(root, 'old')).mtimeMs, -86400 * 365 * 1000);
    assert.is(entry(index, '/d/sub/g').mtime, 1300000000.25);
    assert.is(entry(index, '/old').mtime, -86400 * 365);
  } finally {
    s.cleanup();
  }
});

test('symlinks: targets stored verbatim (absolute, relative, dangling, long, not UTF-8), never followed', async () => {
  const s = scratch();
  try {
    const odd = Buffer.from([0x2e, 0x2e, 0x2f, 0xff, 0xfe]).toString('latin1');
    const targets: Record<string, string> = {
      abs: '/etc/passwd', rel: '../usr/lib', dangling: 'does/not/exist', long: `${'t/'.repeat(100)}end`, odd, self: 'self',
    };
    const tar = makeTar(Object.entries(targets).map(([name, linkName]) => ({ name: `l/${name}`, type: 'symlink' as const, linkName, uid: 7, gid: 8 })));
    const { index } = await unpackBytes(tar, s.layer);
    for (const [name, target] of Object.entries(targets)) {
      const where = join(s.layer, 'rootfs/l', name);
      assert.ok(readlinkSync(where, { encoding: 'buffer' }).equals(Buffer.from(target, 'latin1')), name);
      const e = entry(index, `/l/${name}`);
      assert.is(e.type, 'symlink');
      assert.is(e.linkTarget, target);
      if (asRoot) assert.equal([lstatSync(where).uid, lstatSync(where).gid], [7, 8]);
    }
  } finally {
    s.cleanup();
  }
});

test('hard links: one inode on disk, type file with hardlinkOf in the index, same size and digest', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'bin/busybox', mode: 0o755, content: 'the binary' },
      { name: 'bin/sh', type: 'hardlink', linkName: 'bin/busybox' },
      { name: 'bin/ls', type: 'hardlink', linkName: './bin/sh' },
    ]);
    const { index } = await unpackBytes(tar, s.layer);
    const root = join(s.layer, 'rootfs');
    const ino = statSync(join(root, 'bin/busybox')).ino;
    assert.is(statSync(join(root, 'bin/sh')).ino, ino);
    assert.is(statSync(join(root, 'bin/ls')).ino, ino);
    assert.is(statSync(join(root, 'bin/ls')).nlink, 3);
    const first = entry(index, '/bin/busybox');
    for (const p of ['/bin/sh', '/bin/ls']) {
      const e = entry(index, p);
      assert.equal([e.type, e.hardlinkOf, e.size, e.digest, e.mode], ['file', '/bin/busybox', first.size, first.digest, 0o755]);
    }
    assert.is(first.hardlinkOf, undefined);
  } finally {
    s.cleanup();
  }
});

test('devices and fifos are recorded in the index only', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'dev/', type: 'dir' },
      { name: 'dev/null', type: 'char', mode: 0o666, devMajor: 1, devMinor: 3 },
      { name: 'dev/sda', type: 'block', mode: 0o660, gid: 6, devMajor: 8, devMinor: 0 },
      { name: 'run/fifo', type: 'fifo', mode: 0o600 },
    ]);
    const { index } = await unpackBytes(tar, s.layer);
    assert.equal(entry(index, '/dev/null'), { path: '/dev/null', type: 'char', mode: 0o666, uid: 0, gid: 0, size: 0, mtime: T, devMajor: 1, devMinor: 3 });
    assert.equal(entry(index, '/dev/sda'), { path: '/dev/sda', type: 'block', mode: 0o660, uid: 0, gid: 6, size: 0, mtime: T, devMajor: 8, devMinor: 0 });
    assert.equal(entry(index, '/run/fifo'), { path: '/run/fifo', type: 'fifo', mode: 0o600, uid: 0, gid: 0, size: 0, mtime: T });
    assert.equal(readdirSync(join(s.layer, 'rootfs/dev')), []);
    assert.equal(readdirSync(join(s.layer, 'rootfs/run')), []);
  } finally {
    s.cleanup();
  }
});

test('xattrs are recorded (base64) in the index', async () => {
  const s = scratch();
  try {
    const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00]);
    const tar = makeTar([{ name: 'bin/ping', mode: 0o755, content: 'p', xattrs: { 'security.capability': cap, 'user.comment': 'hi' } }]);
    const { index } = await unpackBytes(tar, s.layer);
    assert.equal(entry(index, '/bin/ping').xattrs, { 'security.capability': cap.toString('base64'), 'user.comment': Buffer.from('hi').toString('base64') });
  } finally {
    s.cleanup();
  }
});

test('names that are not UTF-8 and PAX names longer than 100 and 255 bytes', async () => {
  const s = scratch();
  try {
    const odd = Buffer.from([0x66, 0xff, 0x80, 0x2e, 0x74, 0x78, 0x74]).toString('latin1');
    const over100 = `${'a'.repeat(60)}/${'b'.repeat(60)}`;
    const over255 = `${'c'.repeat(200)}/${'d'.repeat(200)}/${'e'.repeat(100)}`;
    const tar = makeTar([{ name: odd, content: 'odd' }, { name: over100, content: '100' }, { name: over255, content: '255' }]);
    const { index } = await unpackBytes(tar, s.layer, 333);
    const root = join(s.layer, 'rootfs');
    const names = readdirSync(Buffer.from(root), { encoding: 'buffer' }).map((b) => b.toString('latin1'));
    assert.ok(names.includes(odd));
    assert.is(readFileSync(Buffer.concat([Buffer.from(`${root}/`), Buffer.from(odd, 'latin1')]), 'utf8'), 'odd');
    assert.is(readFileSync(join(root, over100), 'utf8'), '100');
    assert.is(readFileSync(join(root, over255), 'utf8'), '255');
    assert.ok(index.entries.has(`/${odd}` as BytePath));
    assert.is(entry(index, `/${over255}`).size, 3);
  } finally {
    s.cleanup();
  }
});

test('directories implied by a path are created 0755 root and recorded as dirs', async () => {
  const s = scratch();
  try {
    const { index } = await unpackBytes(makeTar([{ name: 'a/b/c/file', mtime: 1234, uid: 5, content: 'x' }]), s.layer);
    for (const p of ['/a', '/a/b', '/a/b/c']) {
      assert.equal(entry(index, p), { path: p, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 1234 });
      const st = statSync(join(s.layer, 'rootfs', p));
      assert.is(st.mode & 0o7777, 0o755);
      if (asRoot) assert.is(st.uid, 0);
    }
    assert.not.ok(index.entries.has('/' as BytePath));
    assert.is(statSync(join(s.layer, 'rootfs')).mode & 0o7777, 0o755);
  } finally {
    s.cleanup();
  }
});

test('the root entry ("./") sets the root directory\'s metadata', async () => {
  const s = scratch();
  try {
    const { index } = await unpackBytes(makeTar([{ name: './', type: 'dir', mode: 0o750, mtime: 999, uid: 3, gid: 4 }, { name: './x', content: '' }]), s.layer);
    assert.equal(entry(index, '/'), { path: '/', type: 'dir', mode: 0o750, uid: 3, gid: 4, size: 0, mtime: 999 });
    const st = statSync(join(s.layer, 'rootfs'));
    assert.is(st.mode & 0o7777, 0o750);
    assert.is(st.mtimeMs, 999000);
    if (asRoot) assert.equal([st.uid, st.gid], [3, 4]);
  } finally {
    s.cleanup();
  }
});

test('later entries for a path replace earlier ones, as tar does', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'f', content: 'first' },
      { name: 'f', content: 'second', mode: 0o600 },
      { name: 'to-link', content: 'file' },
      { name: 'to-link', type: 'symlink', linkName: 'f' },
      { name: 'to-file', type: 'symlink', linkName: '/etc/passwd' },
      { name: 'to-file', content: 'now a file' },
      { name: 'd/', type: 'dir', mode: 0o700 },
      { name: 'd/child', content: 'c' },
      { name: 'd/', type: 'dir', mode: 0o751, mtime: 77 },
      { name: 'empty/', type: 'dir' },
      { name: 'empty', content: 'was an empty dir' },
      { name: 'dev', type: 'char', devMajor: 1, devMinor: 3 },
      { name: 'dev/', type: 'dir' },
    ]);
    const { index } = await unpackBytes(tar, s.layer);
    const root = join(s.layer, 'rootfs');
    assert.is(readFileSync(join(root, 'f'), 'utf8'), 'second');
    assert.is(statSync(join(root, 'f')).mode & 0o777, 0o600);
    assert.is(readlinkSync(join(root, 'to-link')), 'f');
    assert.ok(lstatSync(join(root, 'to-file')).isFile());
    assert.is(readFileSync(join(root, 'to-file'), 'utf8'), 'now a file');
    assert.is(statSync(join(root, 'd')).mode & 0o7777, 0o751);
    assert.is(readFileSync(join(root, 'd/child'), 'utf8'), 'c');
    assert.is(readFileSync(join(root, 'empty'), 'utf8'), 'was an empty dir');
    assert.ok(statSync(join(root, 'dev')).isDirectory());
    assert.is(entry(index, '/f').size, 6);
    assert.is(entry(index, '/to-link').type, 'symlink');
    assert.is(entry(index, '/to-file').type, 'file');
    assert.equal([entry(index, '/d').mode, entry(index, '/d').mtime], [0o751, 77]);
    assert.is(entry(index, '/empty').type, 'file');
    assert.is(entry(index, '/dev').type, 'dir');
  } finally {
    s.cleanup();
  }
});

test('replacing a hard-linked file keeps the other links and fixes hardlinkOf', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'a', content: 'shared' },
      { name: 'b', type: 'hardlink', linkName: 'a' },
      { name: 'c', type: 'hardlink', linkName: 'a' },
      { name: 'a', content: 'new a' },
    ]);
    const { index } = await unpackBytes(tar, s.layer);
    const root = join(s.layer, 'rootfs');
    assert.is(readFileSync(join(root, 'b'), 'utf8'), 'shared');
    assert.is(statSync(join(root, 'b')).ino, statSync(join(root, 'c')).ino);
    assert.is(readFileSync(join(root, 'a'), 'utf8'), 'new a');
    assert.is(entry(index, '/b').hardlinkOf, undefined);
    assert.is(entry(index, '/c').hardlinkOf, '/b');
    assert.is(entry(index, '/a').hardlinkOf, undefined);
  } finally {
    s.cleanup();
  }
});

test('whiteouts and opaque markers are recorded, not created', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'etc/', type: 'dir' },
      { name: 'etc/.wh.passwd', content: '' },
      { name: 'usr/share/.wh..wh..opq', content: '' },
      { name: '.wh.opt', content: '' },
      { name: 'etc/kept', content: 'k' },
    ]);
    const { index } = await unpackBytes(tar, s.layer);
    assert.equal([...index.whiteouts].sort(), ['/etc/passwd', '/opt']);
    assert.equal([...index.opaque], ['/usr/share']);
    const root = join(s.layer, 'rootfs');
    assert.equal(readdirSync(join(root, 'etc')), ['kept']);
    assert.equal(readdirSync(join(root, 'usr/share')), []);
    assert.not.ok(existsSync(join(root, '.wh.opt')));
    assert.is(entry(index, '/usr/share').type, 'dir');
    assert.not.ok(index.entries.has('/etc/.wh.passwd' as BytePath));
  } finally {
    s.cleanup();
  }
});

test('result: diff_id and size of the tar, index.json equal to the index, per-file xxh128 digests', async () => {
  const s = scratch();
  try {
    const tar = makeTar([{ name: 'a', content: 'alpha' }, { name: 'e', content: '' }, { name: 'd/', type: 'dir' }]);
    const progress: Array<[number, number]> = [];
    const result = await unpackLayer((async function* () { yield tar.subarray(0, 700); yield tar.subarray(700); })(), s.layer, {
      onProgress: (bytes, entries) => progress.push([bytes, entries]),
    });
    assert.is(result.diffId, sha256(tar));
    assert.is(result.tarSize, tar.length);
    assert.equal(progress, [[700, 1], [tar.length, 3]]);
    assert.is(entry(result.index, '/a').digest, `xxh128:${await xxhash128('alpha')}`);
    assert.is(entry(result.index, '/e').digest, `xxh128:${await xxhash128('')}`);
    const onDisk = parseIndex(readFileSync(join(s.layer, 'index.json'), 'utf8'));
    assert.equal([...onDisk.entries.values()], [...result.index.entries.values()]);
    assert.ok(existsSync(join(s.layer, 'tar-split')));
    assert.equal(readdirSync(s.layer).sort(), ['index.json', 'rootfs', 'tar-split']);
  } finally {
    s.cleanup();
  }
});

test('an alpine-minirootfs-shaped tarball: gzip, "./"-prefixed names, busybox hard links', async () => {
  const s = scratch();
  try {
    const tar = makeTar([
      { name: './', type: 'dir', mode: 0o755 },
      { name: './bin/', type: 'dir' },
      { name: './bin/busybox', mode: 0o755, content: 'BUSYBOX' },
      { name: './bin/sh', type: 'symlink', linkName: '/bin/busybox' },
      { name: './etc/', type: 'dir' },
      { name: './etc/apk/', type: 'dir' },
      { name: './etc/apk/world', content: 'alpine-baselayout\n' },
      { name: './etc/shadow', mode: 0o640, gid: 42, content: 'root:*::0:::::\n' },
      { name: './tmp/', type: 'dir', mode: 0o1777 },
      { name: './usr/bin/', type: 'dir' },
      { name: './usr/bin/env', type: 'hardlink', linkName: './bin/busybox' },
    ]);
    const gz = join(s.root, 'alpine-minirootfs.tar.gz');
    writeFileSync(gz, run('gzip', ['-9', '-c'], { input: tar }));
    const src = await openTarSource(gz);
    assert.is(src.compression, 'gzip');
    const result = await unpackLayer(src.chunks, s.layer);
    assert.is(result.diffId, sha256(tar));
    assert.is(src.sourceDigest(), sha256(readFileSync(gz)));
    assert.equal([...result.index.entries.keys()].sort(), [
      '/', '/bin', '/bin/busybox', '/bin/sh', '/etc', '/etc/apk', '/etc/apk/world', '/etc/shadow', '/tmp', '/usr', '/usr/bin', '/usr/bin/env',
    ]);
    assert.is(entry(result.index, '/usr/bin/env').hardlinkOf, '/bin/busybox');
    assert.is(statSync(join(s.layer, 'rootfs/tmp')).mode & 0o7777, 0o1777);
  } finally {
    s.cleanup();
  }
});

test('GNU tar extraction and unpackLayer agree on a real tree', async () => {
  const s = scratch();
  try {
    const src = join(s.root, 'src');
    run('mkdir', ['-p', `${src}/usr/bin`, `${src}/etc`, `${src}/var/tmp`]);
    writeFileSync(join(src, 'usr/bin/tool'), 'tool');
    writeFileSync(join(src, 'etc/conf'), 'conf');
    run('chmod', ['4755', join(src, 'usr/bin/tool')]);
    run('chmod', ['1777', join(src, 'var/tmp')]);
    run('ln', ['-s', '../usr/bin/tool', join(src, 'etc/tool')]);
    run('ln', [join(src, 'etc/conf'), join(src, 'etc/conf.hard')]);
    const tar = run('tar', ['--numeric-owner', '-cf', '-', '-C', src, '.']);
    await unpackBytes(tar, s.layer);
    const gnu = join(s.root, 'gnu');
    run('mkdir', [gnu]);
    run('tar', ['-xpf', '-', '--numeric-owner', '-C', gnu], { input: tar });
    const list = (dir: string) => run('find', ['.', '-printf', '%p %y %m %U %G %s %T@ %l %n\\n'], { cwd: dir }).toString().split('\n').sort().join('\n');
    assert.is(list(join(s.layer, 'rootfs')), list(gnu));
  } finally {
    s.cleanup();
  }
});

test('unprivileged: 0500 and 0000 directories, the root listed last; owners recorded, not applied', async () => {
  if (!asRoot) return; // the test drops to "nobody" itself
  const s = scratch();
  try {
    const tar = makeTar([
      { name: 'locked/', type: 'dir', mode: 0o000 },
      { name: 'locked/inner/', type: 'dir', mode: 0o500 },
      { name: 'locked/inner/f', mode: 0o400, uid: 123, content: 'deep' },
      { name: 'ro/', type: 'dir', mode: 0o555 },
      { name: 'ro/g', content: 'g' },
      { name: './', type: 'dir', mode: 0o000, mtime: 42 },
    ]);
    const tarFile = join(s.root, 'in.tar');
    writeFileSync(tarFile, tar);
    chownSync(s.layer, 65534, 65534);
    chmodSync(s.root, 0o755);
    const unpack = fileURLToPath(new URL('../../src/import/unpack.ts', import.meta.url));
    const script = `
      import { readFileSync } from 'node:fs';
      import { unpackLayer } from ${JSON.stringify(unpack)};
      const r = await unpackLayer([readFileSync(${JSON.stringify(tarFile)})], ${JSON.stringify(s.layer)});
      console.log(JSON.stringify([...r.index.entries.values()].map((e) => [e.path, e.mode, e.uid])));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, HOME: s.root },
    });
    assert.is(child.status, 0, child.stderr);
    assert.equal(JSON.parse(child.stdout), [
      ['/locked', 0o000, 0], ['/locked/inner', 0o500, 0], ['/locked/inner/f', 0o400, 123], ['/ro', 0o555, 0], ['/ro/g', 0o644, 0], ['/', 0o000, 0],
    ]);
    const root = join(s.layer, 'rootfs');
    assert.is(statSync(root).mode & 0o7777, 0o000);
    assert.is(statSync(root).mtimeMs, 42000);
    assert.is(statSync(join(root, 'locked')).mode & 0o7777, 0o000);
    assert.is(statSync(join(root, 'locked/inner')).mode & 0o7777, 0o500);
    assert.is(statSync(join(root, 'locked/inner/f')).uid, 65534);
    assert.is(readFileSync(join(root, 'locked/inner/f'), 'utf8'), 'deep');
    assert.is(statSync(join(root, 'ro')).mode & 0o7777, 0o555);
  } finally {
    s.cleanup();
  }
});

test.run();
