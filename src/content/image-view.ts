// The glue between the store and the resolver: the union view of an image (at its top layer or
// at layer N), and where a resolved entry's bytes live on disk.

import { join } from 'node:path';
import { bufferOf } from '../base/byte-path.js';
import { layerRootfs, readStackIndexes } from '../store/layers.js';
import type { Image } from '../store/images.js';
import type { Store } from '../store/store.js';
import { View } from '../resolver/view.js';
import type { ResolvedEntry } from '../resolver/types.js';

export interface ImageView {
  readonly view: View;
  /** The diff_ids of the view's layers, base first (index = ResolvedEntry.layer). */
  readonly diffIds: readonly string[];
}

/** The merged view of `image`, cut at `layer` (0 = base) when given. */
export function openImageView(store: Store, image: Image, layer?: number): ImageView {
  const diffIds = image.config.rootfs.diff_ids;
  const view = View.of(readStackIndexes(store, diffIds));
  const cut = layer === undefined ? view : view.at(layer);
  return { view: cut, diffIds: diffIds.slice(0, cut.layerCount) };
}

/** The host path (bytes) of a resolved regular file inside its layer's directory. Layer
 * directories are immutable and hold no symlinked parents (the unpacker refuses them), so this
 * path names the file itself; callers still open it with O_NOFOLLOW. */
export function contentPath(store: Store, iv: ImageView, r: ResolvedEntry): Buffer {
  const base = layerRootfs(store, iv.diffIds[r.layer]!);
  return Buffer.concat([Buffer.from(join(base, '/')), bufferOf(r.entry.path.slice(1))]);
}
