// A container's changes to its image (`diff`, and what `commit` will need), the same under both
// drivers: the driver reads the container's writable layer as a LayerIndex, and the resolver's
// `diff` compares it with the image's view, as `docker diff` does. The overlay driver and `diff`
// ask the image only for the types of the layer's paths (ImageView.types), so neither builds the
// image's view: the cost follows the change, not the image.

import type { LayerIndex } from '../../base/layer-index.js';
import { openImageView, type ImageView } from '../../content/image-view.js';
import { diff, type DiffEntry } from '../../resolver/diff.js';
import { readImage } from '../../store/images.js';
import { refusedByOwner } from '../../store/mapped-owners.js';
import type { Store } from '../../store/store.js';
import { containerDir, findContainer, type ContainerRecord } from '../containers/records.js';
import { openDriver } from '../drivers/driver.js';

/** The container's writable layer over its image's view. */
export async function writableLayerOf(store: Store, rec: ContainerRecord, iv: ImageView = openImageView(store, readImage(store, rec.image))): Promise<LayerIndex> {
  // Reading a layer makes no device nodes.
  const driver = await openDriver(rec.driver, { store, makeNodes: async () => {} });
  try {
    return await driver.writableLayer(containerDir(store, rec.id), iv);
  } catch (err) {
    if (!refusedByOwner(store, err)) throw err;
    return (await import('./mapped-changes.js')).writableLayerMapped(store, rec);
  }
}

export async function containerChanges(store: Store, text: string): Promise<DiffEntry[]> {
  const rec = findContainer(store, text);
  const iv = openImageView(store, readImage(store, rec.image));
  // The layer first: a driver that builds the image's view (copy) leaves it for the diff to use;
  // otherwise the diff reads only the image's path table.
  const layer = await writableLayerOf(store, rec, iv);
  return diff(iv.types, layer);
}
