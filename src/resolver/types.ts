// The shapes the resolver hands out. A ResolvedEntry is one path of a union view: the entry you
// see there, the layer it comes from, and the lower entries it shadows (the TUI's "hidden by
// layer N" reads them from the other side).

import type { BytePath } from '../base/byte-path.js';
import type { EntryType, IndexEntry } from '../base/layer-index.js';

/** A lower layer's entry that a resolved entry shadows. */
export interface HiddenEntry {
  readonly layer: number;
  readonly entry: IndexEntry;
}

export interface ResolvedEntry {
  readonly path: BytePath;
  /** What the view shows at this path. */
  readonly entry: IndexEntry;
  /** The layer `entry` comes from, counted from 0 = the base layer. */
  readonly layer: number;
  /** A directory no layer lists, only implied by paths below it: `entry` is IMPLIED_DIR's metadata,
   * and `layer` is the layer whose paths implied it. */
  readonly implied: boolean;
  /** The entries this one shadows at the same path, nearest layer first: what the view just below
   * this entry's layer showed there, and what that one shadowed. A path deleted by a whiteout and
   * created again shadows nothing: the whiteout hid what was there. */
  readonly hides: readonly HiddenEntry[];
}

/** Read access to a merged tree: a View of an image, or a container's WritableLayer. */
export interface TreeReader {
  /** The entry at a normalized path, without following symlinks; undefined when there is none. */
  lookup(path: BytePath): ResolvedEntry | undefined;
  /** The entries of a directory, sorted by name (bytes). Throws PathError ENOENT / ENOTDIR. */
  readdir(path: BytePath): readonly ResolvedEntry[];
}

/** All `diff` asks of the tree below a layer: whether a path is there, and as what. A View answers
 * it, and so does an image's PathTable (path-table.ts) without the view being built. */
export interface PathTypes {
  /** The type of the entry at a normalized path (links not followed); undefined when there is none. */
  typeOf(path: BytePath): EntryType | undefined;
}

/** Metadata of a directory that a layer implies but does not list (a tar may omit parents; the
 * unpacker creates them as root-owned 0755 directories, as Docker's does). */
export const IMPLIED_DIR: Omit<IndexEntry, 'path'> = Object.freeze({
  type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0,
});

export const NO_HIDDEN: readonly HiddenEntry[] = Object.freeze([]);
