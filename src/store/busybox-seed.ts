// Every new store starts with the busybox image embedded in the binary (docs/DESIGN.md §8), so
// `strata run busybox …` works with nothing downloaded. Like any image, `rmi` can remove it.

import busyboxConfig from '../../layers/busybox/config.json' with { type: 'json' };
import { readAsset } from '../base/assets.js';
import type { ImageConfig } from './image-config.js';
import { encodeConfig, writeImage } from './images.js';
import { addLayer } from './layers.js';
import { withLease } from './lease.js';
import type { Store } from './types.js';
import { setTag } from './tags.js';

export async function seedBusybox(store: Store): Promise<void> {
  const tar = readAsset('busybox.tar');
  await withLease(store, async (lease) => {
    const layer = await addLayer(store, once(tar), lease);
    const config = { ...busyboxConfig, rootfs: { type: 'layers', diff_ids: [layer.diffId] } } as ImageConfig;
    const image = writeImage(store, encodeConfig(config));
    lease.add(image.id);
    setTag(store, 'busybox:latest', image.id);
  });
}

async function* once(chunk: Uint8Array): AsyncIterable<Uint8Array> {
  yield chunk;
}
