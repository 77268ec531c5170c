import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { exportFlattened } from '../../src/archive/export.js';
import { loadArchive } from '../../src/archive/load.js';
import { openImageView } from '../../src/content/image-view.js';
import { readImage } from '../../src/store/images.js';
import { openStore, type Store } from '../../src/store/store.js';
import { buildUmociLayout, run, tempDir } from './umoci-fixture.js';
import { blobPath, treeListing } from './archive-helpers.js';
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

test('exportFlattened: no layers is an empty archive', async () => {
  const bytes = await exportTo([], join(work, 'empty.tar'));
  assert.equal(run('tar', ['-tf', join(work, 'empty.tar')]), '');
  assert.is(bytes.length, 1024);
});

test.run();
