// A container's changes to its image (`diff`), the same under both drivers: the resolver's `diff`
// compares the container's writable layer (containers/writable-layer.ts) with the image's view, as
// `docker diff` does. The overlay driver and `diff` ask the image only for the types of the
// layer's paths (ImageView.types), so neither builds the image's view: the cost follows the
// change, not the image.

import { openImageView } from '../../content/image-view.js';
import { diff, type DiffEntry } from '../../resolver/diff.js';
import { readImage } from '../../store/images.js';
import type { Store } from '../../store/store.js';
import { findContainer } from '../containers/records.js';
import { writableLayerOf } from '../containers/writable-layer.js';

export async function containerChanges(store: Store, text: string): Promise<DiffEntry[]> {
  const rec = findContainer(store, text);
  const iv = openImageView(store, readImage(store, rec.image));
  // The layer first: a driver that builds the image's view (copy) leaves it for the diff to use;
  // otherwise the diff reads only the image's path table.
  const layer = await writableLayerOf(store, rec, iv);
  return diff(iv.types, layer, iv.sameDirBelow);
}
