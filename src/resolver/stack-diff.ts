// `diff IMAGE1 IMAGE2`: what differs between two views that share their lower layers, as A (only
// in the second), D (only in the first) and C (in both, not the same). The shared layers are never
// read: a path can differ only where a layer above them (on either side) has something — an entry,
// a directory it implies, a whiteout, an opaque marker — or under a directory such a layer
// deletes or makes opaque; there the shared view is asked only what it has (its path table:
// types, and the paths under a directory). So the cost follows the layers that differ, not the
// size of the images.
// What "not the same" means: two entries of the differing layers are compared field by field
// (type, mode, owner, size, content digest, link target, device; mtime too, except for directories,
// whose listing is what matters); an entry of one side over the shared view's entry on the other is
// C as in `docker diff` (it exists below) — unless both are directories with the same mode and
// mtime (`same`). Every directory above an A or a D is C (its entries changed), as `diff` of a
// container lists it.

import { ROOT, parentOf, type BytePath } from '../base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../base/layer-index.js';
import type { DiffEntry, DiffKind, SameDirBelow } from './diff.js';
import { belowOwnNonDir } from './merge.js';
import type { PathTypes } from './types.js';

/** What the shared layers are asked: a path's type, and every path under a directory. */
export interface SharedPaths extends PathTypes {
  pathsUnder(dir: BytePath): readonly BytePath[];
}

/** What one side shows at a path: an entry of its own layers (`entry` undefined for a directory
 * they only imply), the shared view's, or nothing. */
type Seen = { readonly from: 'own'; readonly entry: IndexEntry | undefined } | { readonly from: 'shared'; readonly type: string } | undefined;

/** The differences from `shared` + `first` to `shared` + `second` (layers base first), sorted by
 * path bytes. */
export function diffStacks(shared: SharedPaths, first: readonly LayerIndex[], second: readonly LayerIndex[], same: SameDirBelow): DiffEntry[] {
  const sides = [new Side(first, shared), new Side(second, shared)] as const;
  const paths = new Set<BytePath>();
  for (const side of sides) side.touched(paths);
  const kinds = new Map<BytePath, DiffKind>();
  for (const path of paths) {
    const kind = compare(path, sides[0].seen(path), sides[1].seen(path), same);
    if (kind) kinds.set(path, kind);
  }
  const done = new Set<BytePath>();
  for (const [path, kind] of [...kinds]) {
    if (kind === 'C') continue;
    for (let dir = parentOf(path); dir !== ROOT && !done.has(dir); dir = parentOf(dir)) {
      done.add(dir);
      if (!kinds.has(dir)) kinds.set(dir, 'C');
    }
  }
  return [...kinds].map(([path, kind]) => ({ kind, path })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function compare(path: BytePath, a: Seen, b: Seen, same: SameDirBelow): DiffKind | undefined {
  if (!a && !b) return undefined;
  if (!a) return 'A';
  if (!b) return 'D';
  if (a.from === 'shared' && b.from === 'shared') return undefined;
  if (a.from === 'own' && b.from === 'own') {
    // A directory a layer only implies (no entry) matches any directory.
    if (!a.entry || !b.entry) return (a.entry?.type ?? 'dir') === (b.entry?.type ?? 'dir') ? undefined : 'C';
    return sameEntry(a.entry, b.entry) ? undefined : 'C';
  }
  const own = a.from === 'own' ? a : (b as { readonly entry: IndexEntry | undefined });
  const shared = a.from === 'shared' ? a : (b as { readonly type: string });
  // A directory a layer only implies, over anything but a directory, is a new directory.
  if (!own.entry) return shared.type === 'dir' ? undefined : 'C';
  return own.entry.type === 'dir' && shared.type === 'dir' && same(path, own.entry) ? undefined : 'C';
}

function sameEntry(a: IndexEntry, b: IndexEntry): boolean {
  return a.type === b.type && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.size === b.size
    && a.digest === b.digest && a.linkTarget === b.linkTarget && a.hardlinkOf === b.hardlinkOf
    && a.devMajor === b.devMajor && a.devMinor === b.devMinor && (a.type === 'dir' || a.mtime === b.mtime);
}

/** One side's own layers over the shared view: what it shows at a path, without a merged tree. */
class Side {
  /** Per own layer, top first: the directories it implies (parents of its paths it does not list). */
  private readonly implied: Set<BytePath>[];
  private readonly top: readonly LayerIndex[];

  constructor(layers: readonly LayerIndex[], private readonly shared: SharedPaths) {
    this.top = [...layers].reverse();
    this.implied = this.top.map((layer) => {
      const dirs = new Set<BytePath>();
      for (const path of [...layer.entries.keys(), ...layer.whiteouts, ...layer.opaque]) {
        for (let dir = parentOf(path); dir !== ROOT && !dirs.has(dir) && !layer.entries.has(dir); dir = parentOf(dir)) dirs.add(dir);
      }
      // An opaque marker with no entry of its own stands for a directory too.
      for (const path of layer.opaque) if (path !== ROOT && !layer.entries.has(path)) dirs.add(path);
      return dirs;
    });
  }

  /** Every path this side's layers may change, added to `out`. */
  touched(out: Set<BytePath>): void {
    for (const [i, layer] of this.top.entries()) {
      for (const [path, entry] of layer.entries) {
        out.add(path);
        // Something other than a directory over a shared directory hides all that is under it.
        if (entry.type !== 'dir' && this.shared.typeOf(path) === 'dir') for (const under of this.shared.pathsUnder(path)) out.add(under);
      }
      for (const path of this.implied[i]!) out.add(path);
      for (const path of [...layer.whiteouts, ...layer.opaque]) {
        out.add(path);
        for (const under of this.shared.pathsUnder(path)) out.add(under);
      }
    }
    out.delete(ROOT);
  }

  seen(path: BytePath): Seen {
    // A directory a layer only implies shows the metadata of the directory below it, if any.
    let implied = false;
    const impliedOr = (below: Seen): Seen => (!implied ? below : below && (below.from === 'own' ? below.entry?.type === 'dir' : below.type === 'dir') ? below : { from: 'own', entry: undefined });
    for (const [i, layer] of this.top.entries()) {
      const usable = !belowOwnNonDir(layer, path);
      if (usable && layer.entries.has(path)) return impliedOr({ from: 'own', entry: layer.entries.get(path) });
      if (usable && this.implied[i]!.has(path)) implied = true;
      if (hides(layer, path)) return impliedOr(undefined);
    }
    const type = this.shared.typeOf(path);
    return impliedOr(type === undefined ? undefined : { from: 'shared', type });
  }
}

/** The layer deletes `path` (a whiteout of it or of a directory above it), puts something other
 * than a directory above it, or makes a directory above it opaque (what lies below shows no more). */
function hides(layer: LayerIndex, path: BytePath): boolean {
  if (layer.whiteouts.has(path)) return true;
  for (let dir = parentOf(path); ; dir = parentOf(dir)) {
    if (layer.whiteouts.has(dir) || layer.opaque.has(dir)) return true;
    const entry = layer.entries.get(dir);
    if (entry !== undefined && entry.type !== 'dir') return true;
    if (dir === ROOT) return false;
  }
}
