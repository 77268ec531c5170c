// The files of an image, as the view at a layer shows them: their bytes for the pager and the diff
// (checked against the layer's index before any is shown, as `cat` does; at most PAGER_LIMIT of
// them kept), and `x`, which writes one to a host path by the rule every host output follows
// (archive/output-file.ts: a regular file replaced by a rename once complete, a device or FIFO
// written into, a symbolic link followed by the kernel).

import { writeOutputFile } from '../../src/archive/output-file.js';
import { displayPath } from '../../src/base/byte-path.js';
import { StrataError } from '../../src/base/errors.js';
import { openImageView } from '../../src/content/image-view.js';
import { readVerifiedContent } from '../../src/content/read-file.js';
import type { ResolvedEntry } from '../../src/resolver/types.js';
import { readImage } from '../../src/store/images.js';
import type { Store } from '../../src/store/store.js';

/** The pager keeps at most this much of a file (the rest is read, to be checked, and dropped). */
export const PAGER_LIMIT = 4 << 20;

export interface ImageFiles {
  /** The first PAGER_LIMIT bytes of the file `r` of the view at `layer`. */
  read(r: ResolvedEntry, layer: number): Promise<Buffer>;
  /** Writes the file `r` of the view at `layer` to the host path `dest`. */
  extract(r: ResolvedEntry, layer: number, dest: string): Promise<void>;
}

export function storeImageFiles(store: Store, id: string): ImageFiles {
  const view = (layer: number) => openImageView(store, readImage(store, id), layer);
  const regular = (r: ResolvedEntry) => {
    if (r.entry.type !== 'file') throw new StrataError(`${displayPath(r.path)} is not a regular file (${r.entry.type})`);
  };
  return {
    async read(r, layer) {
      regular(r);
      const chunks: Buffer[] = [];
      let kept = 0;
      await readVerifiedContent(store, view(layer), r, (chunk) => {
        if (kept >= PAGER_LIMIT) return;
        chunks.push(chunk.subarray(0, PAGER_LIMIT - kept));
        kept += Math.min(chunk.length, PAGER_LIMIT - kept);
      });
      return Buffer.concat(chunks);
    },
    async extract(r, layer, dest) {
      regular(r);
      await writeOutputFile(dest, async (out) => {
        await readVerifiedContent(store, view(layer), r, (chunk) => out.write(chunk));
      });
    },
  };
}
