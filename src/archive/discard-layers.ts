// Undoing a load that failed after it published layers (the archive changed under it, a layer's
// contents were refused, the disk filled): the layers it published go again unless something
// else references them by now — an image, or the lease of another in-flight operation. The
// same rule and lock as garbage collection (store/gc.ts), for these layers only.

import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listImageIds, readImage } from '../store/images.js';
import { leasedIds } from '../store/lease.js';
import { withLock } from '../store/lock.js';
import { createStagingDir, removeTree } from '../store/staging.js';
import type { Store } from '../store/store.js';

/** Call after releasing the caller's own lease on `diffIds`. */
export async function discardUnreferencedLayers(store: Store, diffIds: readonly string[]): Promise<void> {
  if (diffIds.length === 0) return;
  await withLock(store, 'gc', () => {
    const keep = leasedIds(store);
    for (const id of listImageIds(store)) {
      try {
        for (const d of readImage(store, id).config.rootfs.diff_ids) keep.add(d);
      } catch {
        // A broken image record keeps nothing; `check` reports it.
      }
    }
    for (const diffId of diffIds) {
      if (keep.has(diffId)) continue;
      // A rename first, so no reader ever sees half a layer.
      const trash = createStagingDir(store);
      try {
        renameSync(store.paths.layer(diffId), join(trash, 'layer'));
      } catch {
        rmSync(trash, { recursive: true, force: true });
        continue;
      }
      removeTree(trash);
    }
  });
}
