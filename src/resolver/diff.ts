// `docker diff`: what an upper layer changes in the view below it, as A (added), C (changed) and
// D (deleted) entries, by the rules of Docker's overlay driver (moby pkg/archive changes() with
// overlayDeletedFile), read off the upper layer's index:
//   - a path of the layer that the view below lacks: A; one it has: C — except a directory that
//     is a directory below too with the same mode and mtime (a parent copied up for a change under
//     it, which changed nothing of its own): no line;
//   - a whiteout of a path the view below has: D (a whiteout of nothing is no change);
//   - an opaque directory over a path the view below has: D (deleted and made again), with what
//     the directory now holds listed under it;
//   - every directory above an A or a D is C (podman's containers/storage lists them all; Docker
//     the direct parent), and a directory above only C entries is not: `ln /bin/busybox /hard`
//     gives `C /bin/busybox` and `A /hard`, no `C /bin`; the root is never listed;
//   - a directory the layer implies that the view below lacks: A (the merged view shows it); one
//     over a non-directory below: C.
// Whether a directory is the same as below is asked of `same` (a directory's metadata below: the
// view's entry, or the layer directory on disk); without it every directory of the layer that is
// also below is C, the safe answer for a layer whose metadata cannot be compared.
// The cost follows the size of the upper layer: only its own paths and their parents are looked up
// below, and a lookup asks only whether a path is there and as what (PathTypes), which an image's
// path table answers without its view being built.

import { ROOT, parentOf, type BytePath } from '../base/byte-path.js';
import type { LayerIndex } from '../base/layer-index.js';
import type { IndexEntry } from '../base/layer-index.js';
import { belowOwnNonDir } from './merge.js';
import type { PathTypes } from './types.js';

export type DiffKind = 'A' | 'C' | 'D';

export interface DiffEntry {
  readonly kind: DiffKind;
  readonly path: BytePath;
}

/** Whether the directory `entry` of the upper layer has the mode and mtime of the directory the
 * view below has at its path. */
export type SameDirBelow = (path: BytePath, entry: IndexEntry) => boolean;

/** The changes `upper` makes over `lower` (the View of the layers below it, or their PathTable),
 * sorted by path bytes. */
export function diff(lower: PathTypes, upper: LayerIndex, same?: SameDirBelow): DiffEntry[] {
  const kinds = new Map<BytePath, DiffKind>();
  const exists = (path: BytePath) => lower.typeOf(path) !== undefined;
  const usable = (path: BytePath) => path !== ROOT && !belowOwnNonDir(upper, path);

  for (const [path, entry] of upper.entries) {
    if (!usable(path)) continue;
    const replacedDir = entry.type === 'dir' && (upper.opaque.has(path) || upper.whiteouts.has(path));
    const below = lower.typeOf(path);
    if (below === undefined) kinds.set(path, 'A');
    else if (replacedDir) kinds.set(path, 'D');
    else if (!(entry.type === 'dir' && below === 'dir' && same?.(path, entry))) kinds.set(path, 'C');
  }
  for (const path of upper.whiteouts) {
    if (usable(path) && !upper.entries.has(path) && exists(path)) kinds.set(path, 'D');
  }
  for (const path of upper.opaque) {
    if (usable(path) && !upper.entries.has(path)) kinds.set(path, exists(path) ? 'D' : 'A');
  }

  const own = [...upper.entries.keys(), ...upper.whiteouts, ...upper.opaque].filter(usable);
  const implied = new Set<BytePath>();
  for (const path of own) {
    for (let dir = parentOf(path); dir !== ROOT && !implied.has(dir); dir = parentOf(dir)) {
      implied.add(dir);
      if (upper.entries.has(dir) || kinds.has(dir)) continue;
      const below = lower.typeOf(dir);
      if (below === undefined) kinds.set(dir, 'A');
      else if (below !== 'dir') kinds.set(dir, 'C');
    }
  }

  const parentsDone = new Set<BytePath>();
  for (const [path, kind] of [...kinds]) {
    if (kind === 'C') continue;
    for (let dir = parentOf(path); dir !== ROOT && !parentsDone.has(dir); dir = parentOf(dir)) {
      parentsDone.add(dir);
      if (!kinds.has(dir)) kinds.set(dir, exists(dir) ? 'C' : 'A');
    }
  }

  return [...kinds]
    .map(([path, kind]) => ({ kind, path }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Docker's test of an unchanged directory (moby's sameFsTime): the same permission bits, and the
 * same mtime — to the second when either side has no fraction (a tar header's mtime has none). */
export function sameDirMetadata(a: Pick<IndexEntry, 'mode' | 'mtime'>, b: Pick<IndexEntry, 'mode' | 'mtime'>): boolean {
  if ((a.mode & 0o7777) !== (b.mode & 0o7777)) return false;
  // To the millisecond, give or take one: an index keeps milliseconds, and a time set through
  // utimes() as a float (the copy driver) can come back as 612.999 ms for 613, cut to 612.
  const ms = (t: number) => Math.round(t * 1000);
  if (Math.abs(ms(a.mtime) - ms(b.mtime)) <= 1) return true;
  const whole = (t: number) => ms(t) % 1000 === 0;
  return Math.floor(a.mtime) === Math.floor(b.mtime) && (whole(a.mtime) || whole(b.mtime));
}

/** SameDirBelow for a view whose entries carry their metadata (a View, a writable layer). */
export function sameDirIn(view: { lookup(path: BytePath): { readonly entry: IndexEntry } | undefined }): SameDirBelow {
  return (path, entry) => {
    const below = view.lookup(path)?.entry;
    return below?.type === 'dir' && sameDirMetadata(below, entry);
  };
}
