// An image's view and the types of its paths, on a real store: `types` comes from the view once
// it is built, else from the stack's path table, which the first use makes from the view and keeps;
// at every cut (layer N) it answers what the view at N answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BytePath } from '../../src/base/byte-path.js';
import { openImageView } from '../../src/content/image-view.js';
import { PathTable } from '../../src/resolver/path-table.js';
import { encodeConfig, writeImage, type Image } from '../../src/store/images.js';
import { addLayer } from '../../src/store/layers.js';
import { withLease } from '../../src/store/lease.js';
import { openStore } from '../../src/store/store.js';
import type { Store } from '../../src/store/store.js';
import { chunked, makeTar } from '../import/tar-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'strata-image-view-'));
const PROBES = ['/', '/etc', '/etc/a', '/etc/b', '/etc/d', '/etc/d/old', '/etc/d/new', '/gone', '/gone/f', '/x\xff', '/nothing'] as BytePath[];

async function threeLayers(store: Store): Promise<Image> {
  const diffIds = await withLease(store, async (lease) => {
    const add = async (entries: Parameters<typeof makeTar>[0]) => (await addLayer(store, chunked(makeTar(entries)), lease)).diffId;
    return [
      await add([{ name: 'etc', type: 'dir' }, { name: 'etc/a' }, { name: 'etc/d', type: 'dir' }, { name: 'etc/d/old' }, { name: 'gone', type: 'dir' }, { name: 'gone/f' }]),
      await add([{ name: '.wh.gone' }, { name: 'etc/b' }, { name: 'x\xff' }]),
      await add([{ name: 'etc/d', type: 'dir' }, { name: 'etc/d/.wh..wh..opq' }, { name: 'etc/d/new' }, { name: 'etc/a', type: 'dir' }]),
    ];
  });
  return writeImage(store, encodeConfig({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
}

const tables = (store: Store) => (existsSync(store.paths.stacks) ? readdirSync(store.paths.stacks).filter((n) => n.endsWith('.paths')).length : 0);

test('types: the table made on first use, then read; the same answers as the view, at every cut', async () => {
  const store = await openStore(root);
  const image = await threeLayers(store);
  for (const cut of [undefined, 0, 1, 2]) {
    const expected = PROBES.map((p) => openImageView(store, image, cut).view.typeOf(p));
    const made = openImageView(store, image, cut);
    assert.equal(PROBES.map((p) => made.types.typeOf(p)), expected, `cut ${cut}: first use`);
    const read = openImageView(store, image, cut).types;
    assert.instance(read, PathTable, `cut ${cut}: the table is read`);
    assert.equal(PROBES.map((p) => read.typeOf(p)), expected, `cut ${cut}: from the table`);
  }
  // The top and the cut at the top layer are one stack, one table.
  assert.is(tables(store), 3);
  assert.equal(openImageView(store, image).view.walk().map((r) => `${r.entry.type} ${r.path}`),
    ['dir /', 'dir /etc', 'dir /etc/a', 'file /etc/b', 'dir /etc/d', 'file /etc/d/new', 'file /x\xff']);
});

test('types: once the view is built, the view answers (no table read or made)', async () => {
  const store = await openStore(root);
  const image = await threeLayers(store);
  rmSync(store.paths.stacks, { recursive: true, force: true });
  const iv = openImageView(store, image);
  const view = iv.view;
  assert.is(iv.types, view);
  assert.is(tables(store), 0);
});

test('a layer number the image lacks is refused when the view is opened, as before', async () => {
  const store = await openStore(root);
  const image = await threeLayers(store);
  assert.throws(() => openImageView(store, image, 3), /^layer 3 is out of range \(the image has layers 0 to 2\)$/);
  assert.throws(() => openImageView(store, image, -1), /out of range/);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
