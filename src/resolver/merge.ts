// The union of a layer stack, built bottom-up one layer at a time into one map (path -> the entry
// that wins there), so that a lookup is one Map get however many layers the image has.
//
// The rules are overlayfs's, which OCI image layers share. Read top-down, the first layer that has
// a path, or a whiteout for it, or an opaque directory or a non-directory at one of its ancestors,
// decides; a directory merges the layers below it until one of them is opaque there or has a
// non-directory there. Applied bottom-up, one layer does this to the tree below it:
//   1. an opaque directory removes everything below it from the lower layers;
//   2. a whiteout removes the path and everything below it;
//   3. an entry replaces what was at its path; a non-directory also removes what was below it
//      (a file over a directory hides the directory's contents), a directory over a directory
//      keeps them (merge), a directory over a non-directory starts empty;
//   4. the directories a layer's paths imply exist, as directories: over a non-directory they
//      start empty; over a directory they change nothing (a tar may omit parents it did not touch),
//      unless the layer marks them opaque: then they replace the lower directory.
// Within one layer, paths below one of its own non-directories are ignored: no layer directory on
// disk could hold them.

import { parentOf, ROOT, type BytePath } from '../base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../base/layer-index.js';
import { IMPLIED_DIR, NO_HIDDEN, type HiddenEntry, type ResolvedEntry } from './types.js';

export class MergedTree {
  private readonly winners = new Map<BytePath, ResolvedEntry>();
  private readonly children = new Map<BytePath, Set<BytePath>>();
  private layers = 0;

  constructor() {
    this.winners.set(ROOT, impliedDir(ROOT, 0, undefined));
  }

  /** Number of paths, the root included. */
  get size(): number {
    return this.winners.size;
  }

  get(path: BytePath): ResolvedEntry | undefined {
    return this.winners.get(path);
  }

  paths(): IterableIterator<BytePath> {
    return this.winners.keys();
  }

  childrenOf(dir: BytePath): ReadonlySet<BytePath> | undefined {
    return this.children.get(dir);
  }

  /** Every path below `dir`, parents before their children. */
  *descendants(dir: BytePath): Generator<ResolvedEntry> {
    const stack = [...(this.children.get(dir) ?? [])];
    while (stack.length > 0) {
      const path = stack.pop()!;
      yield this.winners.get(path)!;
      for (const child of this.children.get(path) ?? []) stack.push(child);
    }
  }

  /** Put one more layer on top of the tree. */
  push(index: LayerIndex): void {
    const layer = this.layers++;
    const usable = (path: BytePath) => path !== ROOT && !belowOwnNonDir(index, path);
    // An opaque marker means something only on a directory (the layer's own, or one it implies).
    const isDirMarker = (dir: BytePath) => (index.entries.get(dir)?.type ?? 'dir') === 'dir';

    for (const dir of index.opaque) {
      if (isDirMarker(dir) && (dir === ROOT || usable(dir))) this.removeBelow(dir);
    }
    for (const path of index.whiteouts) if (usable(path)) this.removeSubtree(path);

    // Sorted, so a directory's entries mostly follow one another and share one parent string (a
    // Map hashes a string once) and one answer to usable(): a layer of 100,000 files then costs a
    // few Map operations a file, not a dozen.
    let parent = ROOT;
    let parentUsable = true;
    for (const path of [...index.entries.keys()].sort()) {
      const entry = index.entries.get(path)!;
      if (path === ROOT) {
        // The root is a directory in every image; a layer that says otherwise is ignored here (the
        // unpacker refuses to change the root's type, docs/DESIGN.md §9).
        if (entry.type === 'dir') this.winners.set(ROOT, this.explicit(ROOT, entry, layer));
        continue;
      }
      const cut = path.lastIndexOf('/');
      const sameParent = cut === 0 ? parent === ROOT : parent !== ROOT && cut === parent.length && path.startsWith(parent);
      if (!sameParent) {
        parent = cut === 0 ? ROOT : (path.slice(0, cut) as BytePath);
        // usable(path), asked once for all the parent's children.
        parentUsable = parent === ROOT || ((index.entries.get(parent)?.type ?? 'dir') === 'dir' && !belowOwnNonDir(index, parent));
      }
      if (!parentUsable) continue;
      this.ensureDirs(parent, layer);
      this.put(path, entry, layer, parent);
    }
    for (const path of index.whiteouts) if (usable(path)) this.ensureDirs(parentOf(path), layer);
    for (const dir of index.opaque) {
      if (!usable(dir) || !isDirMarker(dir)) continue;
      this.ensureDirs(parentOf(dir), layer);
      // An opaque directory the layer does not list still replaces the lower one, metadata too.
      if (!index.entries.has(dir)) this.putImplied(dir, layer);
    }
  }

  private put(path: BytePath, entry: IndexEntry, layer: number, parent: BytePath): void {
    const prev = this.winners.get(path);
    if (prev !== undefined && prev.entry.type === 'dir' && entry.type !== 'dir') this.removeBelow(path);
    this.winners.set(path, new Winner(path, entry, layer, false, prev));
    if (prev === undefined) this.link(path, parent);
  }

  private explicit(path: BytePath, entry: IndexEntry, layer: number): ResolvedEntry {
    return new Winner(path, entry, layer, false, this.winners.get(path));
  }

  /** Make `dir` and its ancestors directories, as the layer's own paths imply. */
  private ensureDirs(dir: BytePath, layer: number): void {
    const missing: BytePath[] = [];
    // Every ancestor of a directory in the tree is a directory, so the walk stops at the first one.
    for (let path = dir; path !== ROOT; path = parentOf(path)) {
      if (this.winners.get(path)?.entry.type === 'dir') break;
      missing.push(path);
    }
    for (let i = missing.length - 1; i >= 0; i--) this.putImplied(missing[i]!, layer);
  }

  private putImplied(path: BytePath, layer: number): void {
    const prev = this.winners.get(path);
    this.winners.set(path, impliedDir(path, layer, prev));
    if (prev === undefined) this.link(path);
  }

  private removeSubtree(path: BytePath): void {
    if (!this.winners.has(path)) return;
    this.removeBelow(path);
    this.winners.delete(path);
    this.children.get(parentOf(path))?.delete(path);
  }

  private removeBelow(dir: BytePath): void {
    const stack = [dir];
    while (stack.length > 0) {
      const path = stack.pop()!;
      if (path !== dir) this.winners.delete(path);
      const kids = this.children.get(path);
      if (kids === undefined) continue;
      this.children.delete(path);
      for (const kid of kids) stack.push(kid);
    }
  }

  private link(path: BytePath, parent = parentOf(path)): void {
    let kids = this.children.get(parent);
    if (kids === undefined) this.children.set(parent, (kids = new Set()));
    kids.add(path);
  }
}

/** What an entry placed over `prev` shadows: `prev` itself (unless it was only implied) and all
 * that `prev` shadowed. */
export function hiddenUnder(prev: ResolvedEntry | undefined): readonly HiddenEntry[] {
  if (prev === undefined) return NO_HIDDEN;
  if (prev.implied) return prev.hides;
  return [{ layer: prev.layer, entry: prev.entry }, ...prev.hides];
}

function impliedDir(path: BytePath, layer: number, prev: ResolvedEntry | undefined): ResolvedEntry {
  return new Winner(path, { ...IMPLIED_DIR, path }, layer, true, prev);
}

/** A resolved entry whose `hides` list is made when first read: a directory that every layer
 * lists would otherwise copy a list growing with each layer, O(layers²) to build a view. */
class Winner implements ResolvedEntry {
  private hidden: readonly HiddenEntry[] | undefined;
  constructor(
    readonly path: BytePath,
    readonly entry: IndexEntry,
    readonly layer: number,
    readonly implied: boolean,
    private readonly under: ResolvedEntry | undefined,
  ) {}

  get hides(): readonly HiddenEntry[] {
    return (this.hidden ??= hiddenUnder(this.under));
  }
}

/** Whether one of `path`'s ancestors is a non-directory in the same layer (such a path is
 * ignored). */
export function belowOwnNonDir(index: LayerIndex, path: BytePath): boolean {
  for (let p = parentOf(path); p !== ROOT; p = parentOf(p)) {
    const entry = index.entries.get(p);
    if (entry !== undefined && entry.type !== 'dir') return true;
  }
  return false;
}
