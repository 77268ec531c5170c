// The files of an image, as the view at a layer shows them: their bytes for the pager and the diff
// (checked against the layer's index before any is shown, as `cat` does; at most PAGER_LIMIT of
// them kept), and `x`, which copies a file or a directory out to a host path as `cp CTR:PATH
// HOSTPATH` does (runtime/changes/copy-out.ts, over the image seen as a container that changed
// nothing): a file by the rule every host output follows (archive/output-file.ts), a directory
// one name at a time under its host directory, owned by the caller, no setuid bits, device nodes
// and fifos skipped.

import { displayPath } from '../../src/base/byte-path.js';
import { StrataError } from '../../src/base/errors.js';
import { openImageView } from '../../src/content/image-view.js';
import { readVerifiedContent } from '../../src/content/read-file.js';
import type { ResolvedEntry } from '../../src/resolver/types.js';
import { copyOut } from '../../src/runtime/changes/copy-out.js';
import { imageFilesView } from '../../src/runtime/containers/view.js';
import { readImage } from '../../src/store/images.js';
import type { Store } from '../../src/store/store.js';

/** The pager keeps at most this much of a file (the rest is read, to be checked, and dropped). */
export const PAGER_LIMIT = 4 << 20;

export interface ImageFiles {
  /** The first PAGER_LIMIT bytes of the file `r` of the view at `layer`. */
  read(r: ResolvedEntry, layer: number): Promise<Buffer>;
  /** Copies the file or directory `r` of the view at `layer` to the host path `dest`; what was
   * skipped (device nodes, fifos), one line each. */
  extract(r: ResolvedEntry, layer: number, dest: string): Promise<readonly string[]>;
}

export function storeImageFiles(store: Store, id: string, ref: string): ImageFiles {
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
      // `-` is a tar on stdout for cp; here stdout is the TUI's own screen.
      if (dest === '-') throw new StrataError('extract to a path, not "-": the terminal is the TUI\'s');
      const skipped: string[] = [];
      await copyOut(store, imageFilesView(view(layer), ref), r.path, dest, {
        warn: (line) => skipped.push(line.replace(/^strata: cp: /, '')),
        stdout: () => undefined,
      });
      return skipped;
    },
  };
}
