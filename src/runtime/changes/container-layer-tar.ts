// What `commit` adds to the store: the container's writable layer as the canonical layer tar of
// commit-tar.ts. Under the copy driver a directory the container deleted and made anew is a plain
// directory of its rootfs, told by a birth time after the driver's stamp (dirsBornAfter); overlay
// marks those itself. commit.ts calls it, and so, inside the mapped user namespace, does
// mapped-changes.ts.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageView } from '../../content/image-view.js';
import type { Store } from '../../store/store.js';
import { containerDir, type ContainerRecord } from '../containers/records.js';
import { openContainerView } from '../containers/view.js';
import { STAMP } from '../drivers/copy.js';
import { canonicalLayer, dirsBornAfter, layerTar, type LayerTarSource } from './commit-tar.js';

/** The container's writable layer as a canonical layer tar (commit-tar.ts), or undefined when
 * it changed nothing. `owner` maps owners on the host to the image's. */
export async function containerLayerTar(store: Store, rec: ContainerRecord, owner: LayerTarSource['owner'], image?: ImageView): Promise<AsyncIterable<Buffer> | undefined> {
  const cv = await openContainerView(store, rec, image);
  const lower = cv.image.view;
  const recreated = rec.driver === 'copy' ? dirsBornAfter(cv.storage, cv.layer, lower, statSync(join(containerDir(store, rec.id), STAMP)).ctimeMs) : undefined;
  const index = canonicalLayer(cv.layer, lower, recreated);
  if (index.entries.size === 0 && index.whiteouts.size === 0 && index.opaque.size === 0) return undefined;
  return layerTar({ storage: cv.storage, index, owner });
}
