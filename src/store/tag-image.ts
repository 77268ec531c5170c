// `tag SOURCE TARGET`: another name for an image, set under a lease so that a concurrent `rmi` of
// the image either sees the lease (and keeps it) or has removed it already (and the tag is refused).

import { existsSync } from 'node:fs';
import { StrataError } from '../base/errors.js';
import { withLease } from './lease.js';
import { resolveImage } from './lookup.js';
import { formatReference, parseReference } from './reference.js';
import { setTag } from './tags.js';
import type { Store } from './types.js';

export async function tagImage(store: Store, source: string, target: string): Promise<void> {
  const ref = formatReference(parseReference(target));
  await withLease(store, (lease) => {
    const image = resolveImage(store, source);
    lease.add(image.id);
    // Re-checked under the lease: a collection may have removed it between the two steps.
    if (!existsSync(store.paths.image(image.id))) throw new StrataError(`image "${source}" was removed meanwhile`);
    setTag(store, ref, image.id);
  });
}
