// `docker diff`: what an upper layer changes in the view below it, as A (added), C (changed) and
// D (deleted) entries, by the rules of Docker's overlay driver (moby pkg/archive changes() with
// overlayDeletedFile), read off the upper layer's index:
//   - a path of the layer that the view below lacks: A; one it has: C;
//   - a whiteout of a path the view below has: D (a whiteout of nothing is no change);
//   - an opaque directory over a path the view below has: D (deleted and made again), with what
//     the directory now holds listed under it;
//   - every parent directory of a change, which the layer holds (copied up, or implied by the
//     paths below it): C, or A when it is new; the root is never listed;
//   - a directory the layer implies that the view below lacks: A (the merged view shows it); one
//     over a non-directory below: C.
// Docker decides "parent of a change" for copied-up directories by comparing their size, mode and
// mtime with the lower ones; directory sizes differ between file systems, and in practice every
// copied-up parent differs, so a parent of a change is always C here.
// The cost follows the size of the upper layer: only its own paths and their parents are looked up
// below, and a lookup asks only whether a path is there and as what (PathTypes), which an image's
// path table answers without its view being built.

import { ROOT, parentOf, type BytePath } from '../base/byte-path.js';
import type { LayerIndex } from '../base/layer-index.js';
import { belowOwnNonDir } from './merge.js';
import type { PathTypes } from './types.js';

export type DiffKind = 'A' | 'C' | 'D';

export interface DiffEntry {
  readonly kind: DiffKind;
  readonly path: BytePath;
}

/** The changes `upper` makes over `lower` (the View of the layers below it, or their PathTable),
 * sorted by path bytes. */
export function diff(lower: PathTypes, upper: LayerIndex): DiffEntry[] {
  const kinds = new Map<BytePath, DiffKind>();
  const exists = (path: BytePath) => lower.typeOf(path) !== undefined;
  const usable = (path: BytePath) => path !== ROOT && !belowOwnNonDir(upper, path);

  for (const [path, entry] of upper.entries) {
    if (!usable(path)) continue;
    const replacedDir = entry.type === 'dir' && (upper.opaque.has(path) || upper.whiteouts.has(path));
    kinds.set(path, !exists(path) ? 'A' : replacedDir ? 'D' : 'C');
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
  for (const path of [...kinds.keys()]) {
    for (let dir = parentOf(path); dir !== ROOT && !parentsDone.has(dir); dir = parentOf(dir)) {
      parentsDone.add(dir);
      if (!kinds.has(dir)) kinds.set(dir, exists(dir) ? 'C' : 'A');
    }
  }

  return [...kinds]
    .map(([path, kind]) => ({ kind, path }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
