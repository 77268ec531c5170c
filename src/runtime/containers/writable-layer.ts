// A container's writable layer, what it added, changed and deleted, as a LayerIndex: read by its
// driver (overlay: its upper directory; copy: what changed since its stamp), the same under both,
// so `diff` (changes/diff.ts), the container's merged view (view.ts) and `commit` share it.
// Rootless, where the container made files the caller cannot walk, it is read again as root of
// the mapped user namespace (mapped-layer.ts).

import type { LayerIndex } from '../../base/layer-index.js';
import { openImageView, type ImageView } from '../../content/image-view.js';
import { readImage } from '../../store/images.js';
import { refusedByOwner } from '../../store/mapped-owners.js';
import type { Store } from '../../store/store.js';
import { openDriver } from '../drivers/driver.js';
import { containerDir, type ContainerRecord } from './records.js';

/** The container's writable layer over its image's view. */
export async function writableLayerOf(store: Store, rec: ContainerRecord, iv: ImageView = openImageView(store, readImage(store, rec.image))): Promise<LayerIndex> {
  // Reading a layer makes no device nodes.
  const driver = await openDriver(rec.driver, { store, makeNodes: async () => {} });
  try {
    return await driver.writableLayer(containerDir(store, rec.id), iv);
  } catch (err) {
    if (!refusedByOwner(store, err)) throw err;
    return (await import('./mapped-layer.js')).writableLayerMapped(store, rec);
  }
}
