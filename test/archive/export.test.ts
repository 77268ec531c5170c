import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { exportFlattened } from '../../src/archive/export.js';
import { loadArchive } from '../../src/archive/load.js';
import { openImageView } from '../../src/content/image-view.js';
import { readImage } from '../../src/store/images.js';
import { openStore, type Store } from '../../src/store/store.js';
import type { TarHeader } from '../../src/tar/header.js';
import { TarParser } from '../../src/tar/reader.js';
import { makeTar, sha256 } from '../import/tar-fixtures.js';
import { buildUmociLayout, run, tempDir } from './umoci-fixture.js';
import { blobPath, seededBytes, treeListing } from './archive-helpers.js';
import { mountLayerTars } from './overlay-oracle.js';

let work: string;
let store: Store;
let layout: string;
let diffIds: string[];

test.before(async () => {
  work = tempDir();
  layout = buildUmociLayout(work, 'app', 't');
  // Layer 4 deletes /etc/a, the first name of the /etc/a = /etc/hl = /etc/hl2 inode, and turns
  // the fifo into a directory with a file in it.
  const l4 = join(work, 'l4');
  mkdirSync(join(l4, 'etc'), { recursive: true });
  writeFileSync(join(l4, 'etc/.wh.a'), '');
  mkdirSync(join(l4, 'fifo'));
  writeFileSync(join(l4, 'fifo/inside'), 'now a dir\n');
  run('tar', ['--numeric-owner', '--owner=0', '--group=0', '--no-recursion', '-C', l4, '-cf', join(work, 'l4.tar'), 'etc', 'etc/.wh.a', 'fifo', 'fifo/inside']);
  run('umoci', ['raw', 'add-layer', '--image', `${layout}:t`, '--tag', 'four', join(work, 'l4.tar')]);
  store = await openStore(join(work, 'store'));
  diffIds = await layersOf('app:t');
});
test.after(() => rmSync(work, { recursive: true, force: true }));

async function layersOf(ref: string): Promise<string[]> {
  const image = (await loadArchive(store, layout)).find((i) => i.refs.includes(ref));
  return readImage(store, image!.id).config.rootfs.diff_ids;
}

async function exportTo(layers: readonly string[], file: string): Promise<Buffer> {
  const out = createWriteStream(file);
  await exportFlattened(store, layers, out);
  out.end();
  await finished(out);
  return readFileSync(file);
}

function extract(tar: string, name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  run('tar', ['-xpf', tar, '--numeric-owner', '-C', dir]);
  return dir;
}

function layerBlobs(tag: string): string[] {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const desc = index.manifests.find((m: any) => m.annotations['org.opencontainers.image.ref.name'] === tag);
  const manifest = JSON.parse(readFileSync(blobPath(layout, desc.digest), 'utf8'));
  return manifest.layers.map((l: any) => blobPath(layout, l.digest));
}

test('exportFlattened: GNU tar extracts exactly the overlayfs mount of the layers', async () => {
  const tar = join(work, 'export.tar');
  await exportTo(diffIds, tar);
  const extracted = extract(tar, 'x1');
  const overlay = mountLayerTars(join(work, 'ovl1'), layerBlobs('t'));
  try {
    assert.equal(treeListing(extracted), treeListing(overlay.merged));
  } finally {
    overlay.unmount();
  }
  const listing = treeListing(extracted);
  assert.ok(listing.some((l) => l.startsWith('/etc/d/fresh file')), 'the opaque layer\'s file is there');
  assert.not.ok(listing.some((l) => l.startsWith('/etc/d/new ') || l.startsWith('/gone')), 'opaque and whiteouts applied');
  assert.ok(listing.some((l) => l.startsWith('/etc/hl file') && l.includes(' =/etc/a ')), 'hardlinks kept');
});

test('exportFlattened: with the first name of an inode deleted, the other names stay hardlinked', async () => {
  const layers = await layersOf('app:four');
  const tar = join(work, 'export4.tar');
  await exportTo(layers, tar);
  const extracted = extract(tar, 'x4');
  const overlay = mountLayerTars(join(work, 'ovl4'), layerBlobs('four'));
  try {
    assert.equal(treeListing(extracted), treeListing(overlay.merged));
  } finally {
    overlay.unmount();
  }
  const listing = treeListing(extracted);
  assert.not.ok(listing.some((l) => l.startsWith('/etc/a ')));
  assert.ok(listing.some((l) => l.startsWith('/etc/hl2 file') && l.includes(' =/etc/hl ')));
  assert.ok(listing.some((l) => l.startsWith('/fifo dir')));
});

test('exportFlattened: every entry carries the resolver\'s metadata, directories included', async () => {
  const tar = join(work, 'export-meta.tar');
  await exportTo(diffIds, tar);
  const extracted = extract(tar, 'xm');
  const image = (await loadArchive(store, layout)).find((i) => i.refs.includes('app:t'))!;
  const { view } = openImageView(store, readImage(store, image.id));
  const expected = view.walk().filter((r) => r.path !== '/').map((r) => `${r.path} ${r.entry.type} ${r.entry.mode.toString(8)} ${r.entry.uid}:${r.entry.gid} @${Math.floor(r.entry.mtime)}`);
  const actual = treeListing(extracted, { dirMtimes: true }).map((l) => {
    const [path, type, mode, owner] = l.split(' ');
    return `${path} ${type} ${mode} ${owner} ${l.slice(l.lastIndexOf('@'))}`;
  });
  assert.equal(actual, expected);
});

test('exportFlattened: the same layers give the same bytes', async () => {
  const a = await exportTo(diffIds, join(work, 'e1.tar'));
  const b = await exportTo(diffIds, join(work, 'e2.tar'));
  assert.ok(a.equals(b));
});

/** A docker-archive of one image made of `layers` (tar bytes, base first), loaded; its diff_ids. */
async function loadLayerTars(name: string, layers: readonly Buffer[]): Promise<string[]> {
  const diffIds = layers.map((l) => sha256(l));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } }));
  const archive = join(work, `${name}.tar`);
  writeFileSync(archive, makeTar([
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: [`${name}:1`], Layers: layers.map((_, i) => `l${i}.tar`) }]) },
    { name: 'config.json', content: config },
    ...layers.map((content, i) => ({ name: `l${i}.tar`, content })),
  ]));
  const [image] = await loadArchive(store, archive);
  assert.equal(readImage(store, image!.id).config.rootfs.diff_ids, diffIds);
  return diffIds;
}

test('exportFlattened: long names and targets, hardlinks, files larger than the output buffer and thousands of small ones: GNU tar extracts the overlayfs view', async () => {
  const deep = `deep/${'d'.repeat(90)}/${'e'.repeat(90)}`; // past ustar's name and prefix fields
  const base = [
    { name: 'deep/', type: 'dir' as const },
    { name: `${deep}/`, type: 'dir' as const },
    { name: `${deep}/${'f'.repeat(120)}`, content: 'a long name\n' },
    { name: 'link', type: 'symlink' as const, linkName: `/${'t'.repeat(150)}` },
    // 2.5 MiB + 7: crosses the output buffer's boundaries, with its padding after.
    { name: 'big', content: seededBytes(2.5 * 1024 * 1024 + 7, 1) },
    { name: 'big-link', type: 'hardlink' as const, linkName: 'big' },
    { name: `${'h'.repeat(110)}`, type: 'hardlink' as const, linkName: 'big' },
    { name: 'empty', content: '' },
    { name: 'empty-link', type: 'hardlink' as const, linkName: 'empty' },
    { name: 'dir/', type: 'dir' as const },
    { name: 'dir/lower', content: 'hidden by the opaque layer\n' },
    { name: 'gone', content: 'deleted above\n' },
    { name: 'many/', type: 'dir' as const },
    // ≈ 3 MB of headers and small contents: entries straddle every flush.
    ...Array.from({ length: 3000 }, (_, i) => ({ name: `many/f${String(i).padStart(4, '0')}`, mode: 0o600 + (i % 64), uid: i % 7, mtime: 1700000000 + i, content: seededBytes(i % 700, i) })),
  ];
  const upper = [
    // The first name of the big inode goes: the next one carries the content.
    { name: '.wh.big', content: '' },
    { name: '.wh.gone', content: '' },
    { name: 'dir/', type: 'dir' as const },
    { name: 'dir/.wh..wh..opq', content: '' },
    { name: 'dir/upper', content: 'only this one\n' },
    { name: 'many/', type: 'dir' as const },
    { name: 'many/f0001', content: seededBytes(1500, 99) },
  ];
  const tars = [makeTar(base), makeTar(upper)];
  const layers = await loadLayerTars('shapes', tars);
  const tar = join(work, 'shapes-export.tar');
  await exportTo(layers, tar);
  const extracted = extract(tar, 'xshapes');
  const tarFiles = tars.map((bytes, i) => {
    const file = join(work, `shapes-l${i}.tar`);
    writeFileSync(file, bytes);
    return file;
  });
  const overlay = mountLayerTars(join(work, 'ovl-shapes'), tarFiles);
  try {
    assert.equal(treeListing(extracted), treeListing(overlay.merged));
  } finally {
    overlay.unmount();
  }
  const listing = treeListing(extracted);
  assert.ok(listing.some((l) => l.startsWith(`/${'h'.repeat(110)} file 644 0:0 2621447 `) && l.includes(' =/big-link ')), 'the long-named hardlink points at the surviving name');
  assert.ok(listing.some((l) => l.startsWith('/empty-link file') && l.includes(' =/empty ')), 'empty files stay hardlinked');
  assert.is(run('tar', ['-tf', tar]).split('\n').filter(Boolean).length, listing.length);
});

test('exportFlattened: xattrs and names that are not UTF-8 come out as the layer had them', async () => {
  const name = `caf\xe9/${'\xff'.repeat(120)}`;
  const layers = await loadLayerTars('bytes', [makeTar([
    { name: 'caf\xe9/', type: 'dir' },
    { name, content: 'latin1\n' },
    { name: 'bin/', type: 'dir' },
    { name: 'bin/ping', mode: 0o755, content: 'p', xattrs: { 'security.capability': Buffer.from([1, 0, 0, 2]), 'user.comment': 'hi' } },
  ])]);
  const tar = await exportTo(layers, join(work, 'bytes-export.tar'));
  const headers: TarHeader[] = [];
  const parser = new TarParser({ meta: () => {}, entry: (h) => headers.push(h), content: () => {}, entryEnd: () => {} });
  parser.push(tar);
  parser.end();
  assert.equal(headers.map((h) => h.name), ['bin/', 'bin/ping', 'caf\xe9/', name]);
  const ping = headers[1]!;
  assert.equal([...ping.xattrs!.entries()].map(([k, v]) => `${k}=${v.toString('hex')}`), ['security.capability=01000002', 'user.comment=6869']);
});

test('exportFlattened: through a file\'s descriptor, the bytes of the stream without one', async () => {
  const viaStream = await exportTo(diffIds, join(work, 'e-stream.tar'));
  const file = join(work, 'e-fd.tar');
  const out = createWriteStream(file);
  await once(out, 'open');
  await exportFlattened(store, diffIds, out);
  out.end();
  await finished(out);
  assert.ok(readFileSync(file).equals(viaStream));
});

test('exportFlattened: no layers is an empty archive', async () => {
  const bytes = await exportTo([], join(work, 'empty.tar'));
  assert.equal(run('tar', ['-tf', join(work, 'empty.tar')]), '');
  assert.is(bytes.length, 1024);
});

test.run();
