// The change marks of the Image view's tree, read off the resolver. Two scopes, as in dive:
//   'layer': what layer N changes over the view below it (`docker diff` of that layer);
//   'all':   what layers 1..N changed, all together, over the base layer (dive's aggregated view).
// A = added, M = modified (docker diff's C), R = removed. Removed paths are not in the view at N,
// so they come with the entry they had below, grouped by parent directory for the tree to merge.

import { ROOT, parentOf, type BytePath } from '../../src/base/byte-path.js';
import { diff } from '../../src/resolver/diff.js';
import type { ResolvedEntry } from '../../src/resolver/types.js';
import type { View } from '../../src/resolver/view.js';
import type { ImageModel } from './image-model.js';

export type Mark = 'A' | 'M' | 'R';
export type ChangeScope = 'layer' | 'all';

export interface Changes {
  /** The mark of a path the view at N has (undefined: unchanged). */
  markOf(path: BytePath): Mark | undefined;
  /** Paths the view at N no longer has (mark R), keyed by parent directory, with their entry below. */
  readonly removed: ReadonlyMap<BytePath, readonly ResolvedEntry[]>;
}

export function changesAt(model: ImageModel, layer: number, scope: ChangeScope): Changes {
  return scope === 'all' && layer > 0 ? changesSinceBase(model, layer) : changesOfLayer(model, layer);
}

const ADDED = (): Mark => 'A';
const NO_REMOVALS: ReadonlyMap<BytePath, readonly ResolvedEntry[]> = new Map();

function changesOfLayer(model: ImageModel, n: number): Changes {
  // Everything of the base layer is added: no diff needed (a big base layer opens fast).
  if (n === 0) return { markOf: ADDED, removed: NO_REMOVALS };
  const view = model.viewAt(n);
  const lower = model.viewAt(n - 1);
  const marks = new Map<BytePath, Mark>();
  const removed = new Removed();
  for (const change of diff(lower, model.indexes[n]!)) {
    if (change.kind === 'D') {
      // A whiteout (gone now) or an opaque or replaced directory (still there, made again):
      // either way, what the view below held there and the view at N lacks is removed.
      if (view.lookup(change.path)) marks.set(change.path, 'M');
      removed.subtreeMissingFrom(lower, change.path, view);
    } else {
      marks.set(change.path, change.kind === 'A' ? 'A' : 'M');
    }
  }
  return { markOf: (path) => marks.get(path), removed: removed.byParent };
}

function changesSinceBase(model: ImageModel, n: number): Changes {
  const base = model.viewAt(0);
  const top = model.viewAt(n);
  const marks = new Map<BytePath, Mark>();
  for (const r of top.walk()) {
    if (r.path === ROOT) continue;
    if (!base.lookup(r.path)) marks.set(r.path, 'A');
    else if (r.layer > 0 && !r.implied) marks.set(r.path, 'M');
  }
  const removed = new Removed();
  for (const r of base.walk()) if (r.path !== ROOT && !top.lookup(r.path)) removed.add(r);
  return { markOf: (path) => marks.get(path), removed: removed.byParent };
}

class Removed {
  readonly byParent = new Map<BytePath, ResolvedEntry[]>();

  add(r: ResolvedEntry): void {
    const parent = parentOf(r.path);
    const list = this.byParent.get(parent);
    if (list) list.push(r);
    else this.byParent.set(parent, [r]);
  }

  /** `path` and everything under it in `lower` that `view` lacks. */
  subtreeMissingFrom(lower: View, path: BytePath, view: View): void {
    const r = lower.lookup(path);
    if (!r) return;
    if (!view.lookup(path)) this.add(r);
    if (r.entry.type !== 'dir') return;
    for (const child of lower.readdir(path)) this.subtreeMissingFrom(lower, child.path, view);
  }
}

/** The layer (1..upTo) whose whiteout or opaque directory last removed `path`, or undefined. The
 * tree's details say "hidden by layer N" with it. */
export function removedBy(indexes: ImageModel['indexes'], path: BytePath, upTo: number): number | undefined {
  for (let k = Math.min(upTo, indexes.length - 1); k >= 1; k--) {
    const layer = indexes[k]!;
    if (layer.whiteouts.has(path)) return k;
    for (let dir = parentOf(path); ; dir = parentOf(dir)) {
      if (layer.whiteouts.has(dir) || layer.opaque.has(dir)) return k;
      if (dir === ROOT) break;
    }
  }
  return undefined;
}
