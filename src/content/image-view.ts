// The glue between the store and the resolver: the union view of an image (at its top layer or
// at layer N), the types of its paths for `diff`, and where a resolved entry's bytes live on disk.
// The view is built on first use: for a large image that parses about 1 MB of index JSON, and a
// container's `diff` needs only the types of a few paths, which the stack's path table answers
// (resolver/path-table.ts; made from the view once per stack, kept in the store's stack cache).

import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { bufferOf, type BytePath } from '../base/byte-path.js';
import { layerRootfs, readStackIndexes } from '../store/layers.js';
import { STACK_PATHS, readStackCache, writeStackCache } from '../store/stack-cache.js';
import type { Image } from '../store/images.js';
import type { Store } from '../store/store.js';
import { sameDirIn, sameDirMetadata, type SameDirBelow } from '../resolver/diff.js';
import { encodePathTable, PathTable } from '../resolver/path-table.js';
import { checkLayerNumber, View } from '../resolver/view.js';
import type { ResolvedEntry } from '../resolver/types.js';
import type { SharedPaths } from '../resolver/stack-diff.js';

export interface ImageView {
  /** The merged view (of an image in the store: built on first use). */
  readonly view: View;
  /** The diff_ids of the view's layers, base first (index = ResolvedEntry.layer). */
  readonly diffIds: readonly string[];
  /** The type of what the view has at a path: the view itself once built, else the stack's path
   * table (made from the view the first time, then read from the store). */
  readonly types: SharedPaths;
  /** Whether a directory of a container's writable layer has the mode and mtime of the image's
   * directory at its path (`diff` lists a copied-up parent only when it changed): the view's entry
   * once built, else the topmost layer directory on disk that has the path — the one overlay shows
   * and copies up — so no layer index is parsed. */
  readonly sameDirBelow: SameDirBelow;
}

/** The merged view of `image`, cut at `layer` (0 = base) when given. */
export function openImageView(store: Store, image: Image, layer?: number): ImageView {
  const diffIds = image.config.rootfs.diff_ids;
  if (layer !== undefined) checkLayerNumber(layer, diffIds.length);
  return new StoredImageView(store, diffIds, layer === undefined ? diffIds.length : layer + 1);
}

/** The merged view of a stack of stored layers that no image record names yet (a build's step). */
export function openStackView(store: Store, diffIds: readonly string[]): ImageView {
  return new StoredImageView(store, diffIds, diffIds.length);
}

class StoredImageView implements ImageView {
  readonly diffIds: readonly string[];
  private built: View | undefined;
  private table: PathTable | undefined;

  constructor(private readonly store: Store, private readonly stack: readonly string[], layers: number) {
    this.diffIds = stack.slice(0, layers);
  }

  get view(): View {
    // The whole stack is read (one cache file for a deep image) and cut, as the cache is per stack.
    return (this.built ??= View.of(readStackIndexes(this.store, this.stack).slice(0, this.diffIds.length)));
  }

  get types(): SharedPaths {
    if (this.built !== undefined) return this.built;
    if (this.table !== undefined) return this.table;
    const bytes = readStackCache(this.store, this.diffIds, STACK_PATHS);
    this.table = bytes === undefined ? undefined : PathTable.decode(bytes);
    if (this.table !== undefined) return this.table;
    writeStackCache(this.store, this.diffIds, STACK_PATHS, encodePathTable(this.view));
    return this.view;
  }

  readonly sameDirBelow: SameDirBelow = (path, entry) => {
    if (this.built !== undefined) return sameDirIn(this.built)(path, entry);
    for (let i = this.diffIds.length - 1; i >= 0; i--) {
      const st = lstatInLayer(layerRootfs(this.store, this.diffIds[i]!), path);
      if (st !== undefined) return st.isDirectory() && sameDirMetadata({ mode: st.mode, mtime: Math.floor(st.mtimeMs) / 1000 }, entry);
    }
    return false;
  };
}

/** The host path (bytes) of a resolved regular file inside its layer's directory. Layer
 * directories are immutable and hold no symlinked parents (the unpacker refuses them), so this
 * path names the file itself; callers still open it with O_NOFOLLOW. */
export function contentPath(store: Store, iv: ImageView, r: ResolvedEntry): Buffer {
  const base = layerRootfs(store, iv.diffIds[r.layer]!);
  return Buffer.concat([Buffer.from(join(base, '/')), bufferOf(r.entry.path.slice(1))]);
}

/** contentPath for every file of a view read in one go (export): each layer's directory is
 * joined once, not once a file. */
export function contentPaths(store: Store, diffIds: readonly string[]): (r: ResolvedEntry) => Buffer {
  const bases: Buffer[] = [];
  return (r) => {
    const base = (bases[r.layer] ??= Buffer.from(join(layerRootfs(store, diffIds[r.layer]!), '/')));
    return Buffer.concat([base, bufferOf(r.entry.path.slice(1))]);
  };
}

/** lstat of `path` inside one layer directory, or undefined when that layer lacks it. Each parent
 * must be a directory of the layer itself: a layer below the one that replaced a symlink by a
 * directory still holds the symlink, and following it would stat a host path. */
function lstatInLayer(base: string, path: BytePath) {
  let at = Buffer.from(base);
  const parts = path.split('/').slice(1);
  for (const [i, part] of parts.entries()) {
    at = Buffer.concat([at, bufferOf(`/${part}`)]);
    let st;
    try {
      st = lstatSync(at);
    } catch {
      return undefined;
    }
    if (i === parts.length - 1) return st;
    if (!st.isDirectory()) return undefined;
  }
  return undefined;
}
