import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { loadArchive } from '../../src/archive/load.js';
import { saveImage, type ArchiveFormat } from '../../src/archive/save.js';
import { readImage } from '../../src/store/images.js';
import { importRootfs } from '../../src/store/import-rootfs.js';
import { openStore, type Store } from '../../src/store/store.js';
import { buildUmociLayout, run, tempDir } from './umoci-fixture.js';
import { rewriteFirstImage, sha256, treeListing } from './archive-helpers.js';

let work: string;
let store: Store;
let layout: string;
let imageId: string;
let diffIds: string[];

test.before(async () => {
  work = tempDir();
  layout = buildUmociLayout(work, 'app', 't');
  store = await openStore(join(work, 'store'));
  imageId = (await loadArchive(store, layout))[0]!.id;
  diffIds = readImage(store, imageId).config.rootfs.diff_ids;
});
test.after(() => rmSync(work, { recursive: true, force: true }));

async function saveTo(file: string, format: ArchiveFormat, refs: string[] = ['app:t'], id = imageId): Promise<Buffer> {
  const out = createWriteStream(file);
  await saveImage(store, id, out, { format, refs });
  out.end();
  await finished(out);
  return readFileSync(file);
}

function extract(tar: string, name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  run('tar', ['-xf', tar, '-C', dir]);
  return dir;
}

test('saveImage: a docker-archive that skopeo reads, each layer blob hashing to its diff_id', async () => {
  const file = join(work, 'docker.tar');
  await saveTo(file, 'docker');
  const inspected = JSON.parse(run('skopeo', ['inspect', `docker-archive:${file}`]));
  assert.equal(inspected.Layers, diffIds);
  assert.equal(inspected.RepoTags, []);
  const config = run('skopeo', ['inspect', '--config', '--raw', `docker-archive:${file}`]);
  assert.is(sha256(config), imageId, 'the config blob is the stored one, byte for byte');
  const dir = extract(file, 'docker-x');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest, [{ Config: `blobs/sha256/${imageId.slice(7)}`, RepoTags: ['app:t'], Layers: diffIds.map((d) => `blobs/sha256/${d.slice(7)}`) }]);
  for (const d of diffIds) assert.is(sha256(readFileSync(join(dir, 'blobs/sha256', d.slice(7)))), d);
});

test('saveImage: an OCI layout that skopeo and umoci read; umoci unpacks the original tree', async () => {
  const file = join(work, 'oci.tar');
  await saveTo(file, 'oci');
  const inspected = JSON.parse(run('skopeo', ['inspect', `oci-archive:${file}:app:t`]));
  assert.equal(inspected.Layers, diffIds);
  const dir = extract(file, 'oci-x');
  assert.equal(readdirSync(dir).sort(), ['blobs', 'index.json', 'oci-layout']);
  run('umoci', ['unpack', '--image', `${dir}:app:t`, join(work, 'saved-bundle')]);
  run('umoci', ['unpack', '--image', `${layout}:t`, join(work, 'orig-bundle')]);
  assert.equal(treeListing(join(work, 'saved-bundle/rootfs'), { dirMtimes: true }), treeListing(join(work, 'orig-bundle/rootfs'), { dirMtimes: true }));
});

test('saveImage: saving twice gives identical bytes', async () => {
  for (const format of ['docker', 'oci'] as const) {
    const a = await saveTo(join(work, `twice-a.${format}.tar`), format);
    const b = await saveTo(join(work, `twice-b.${format}.tar`), format);
    assert.ok(a.equals(b), format);
  }
});

test('saveImage: save then load into a fresh store gives the same image id, layers and name', async () => {
  for (const format of ['docker', 'oci'] as const) {
    const file = join(work, `round.${format}.tar`);
    await saveTo(file, format, ['example.com/team/app:1.0']);
    const other = await openStore(join(work, `store-${format}`));
    const loaded = await loadArchive(other, file);
    assert.equal(loaded, [{ id: imageId, refs: ['example.com/team/app:1.0'] }], format);
    assert.equal(readImage(other, imageId).config.rootfs.diff_ids, diffIds);
    const again = join(work, `round-again.${format}.tar`);
    const out = createWriteStream(again);
    await saveImage(other, imageId, out, { format, refs: ['example.com/team/app:1.0'] });
    out.end();
    await finished(out);
    assert.ok(readFileSync(again).equals(readFileSync(file)), `${format}: the reloaded image saves to the same bytes`);
  }
});

test('saveImage: a layer an image lists twice is written once', async () => {
  const twice = join(work, 'twice');
  run('cp', ['-a', layout, twice]);
  rewriteFirstImage(twice, {
    config: (c) => { c.rootfs.diff_ids.push(c.rootfs.diff_ids[0]); c.history.push({ created_by: 'again' }); },
    manifest: (m) => { m.layers.push(m.layers[0]); },
  });
  const [image] = await loadArchive(store, twice);
  const file = join(work, 'twice.tar');
  await saveTo(file, 'docker', [], image!.id);
  const names = run('tar', ['-tf', file]).trim().split('\n');
  assert.equal(names, ['manifest.json', 'blobs/', 'blobs/sha256/', ...[image!.id, ...diffIds].map((d) => `blobs/sha256/${d.slice(7)}`).sort()]);
  const manifest = JSON.parse(run('tar', ['-xOf', file, 'manifest.json']));
  assert.is(manifest[0].Layers.length, 4);
});

test('saveImage: an imported rootfs saves to a layer blob whose sha256 is its diff_id', async () => {
  const rootfs = join(work, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc', 'hostname'), 'box\n');
  run('tar', ['-C', rootfs, '-czf', join(work, 'rootfs.tar.gz'), '.']);
  const image = await importRootfs(store, join(work, 'rootfs.tar.gz'), { ref: 'imported:1' });
  const file = join(work, 'imported.tar');
  await saveTo(file, 'docker', ['imported:1'], image.id);
  const inspected = JSON.parse(run('skopeo', ['inspect', `docker-archive:${file}`]));
  assert.equal(inspected.Layers, image.config.rootfs.diff_ids);
});

test.run();
