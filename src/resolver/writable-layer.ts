// The writable top layer of a container or a build step, over an image's read-only view, with
// the copy-on-write rules of the seed (point 4) and of overlayfs:
//   - adding a path writes it into this layer only;
//   - reading searches top-down and uses the first hit (this layer, then the view);
//   - changing a lower path first copies it up into this layer; the lower index never changes;
//   - deleting a path that a lower layer shows records a whiteout here; deleting a path that only
//     this layer has just drops it;
//   - a directory made where a deleted one was is opaque, so the old contents stay deleted;
//   - a rename is a copy-up of the whole subtree to the new name plus a delete of the old one.
// Parents of what changes are copied up too (as overlayfs does), so `index()` is a complete layer.
//
// Paths are taken literally: a symlink is never followed here. Callers resolve user paths with
// resolvePath(layer, path, { followLast: false }) first; a parent that is a symlink is refused
// (ENOTDIR), so no write goes through a link.

import { ROOT, displayPath, parentOf, type BytePath } from '../base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../base/layer-index.js';
import { hiddenUnder } from './merge.js';
import { PathError } from './path-error.js';
import { NO_HIDDEN, type HiddenEntry, type ResolvedEntry, type TreeReader } from './types.js';
import type { View } from './view.js';

/** A new entry: everything an index entry has but its path. */
export type EntrySpec = Omit<IndexEntry, 'path'>;

/** What a change may set on an existing entry (content fields only on regular files). */
export type EntryChanges = Partial<Pick<IndexEntry, 'mode' | 'uid' | 'gid' | 'mtime' | 'size' | 'digest' | 'xattrs'>>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class WritableLayer implements TreeReader {
  /** The read-only image below. */
  readonly lower: View;
  /** This layer's number in the stack (the lower view's layer count). */
  readonly layer: number;
  private readonly entries = new Map<BytePath, IndexEntry>();
  private readonly whiteouts = new Set<BytePath>();
  private readonly opaque = new Set<BytePath>();
  /** This layer's own paths (entries and whiteouts) by parent, for subtree removal. */
  private readonly kids = new Map<BytePath, Set<BytePath>>();

  /** A layer over `lower`, empty or continuing from `start` (a container's layer so far). */
  constructor(lower: View, start?: LayerIndex) {
    this.lower = lower;
    this.layer = lower.layerCount;
    if (start === undefined) return;
    for (const [path, entry] of start.entries) this.setEntry(path, entry);
    for (const path of start.whiteouts) this.setWhiteout(path);
    for (const path of start.opaque) this.opaque.add(path);
  }

  lookup(path: BytePath): ResolvedEntry | undefined {
    const own = this.entries.get(path);
    if (own !== undefined) {
      return { path, entry: own, layer: this.layer, implied: false, hides: this.lowerHidden(path) };
    }
    return this.lowerShows(path) ? this.lower.lookup(path) : undefined;
  }

  readdir(path: BytePath): readonly ResolvedEntry[] {
    this.requireDir(path);
    const names = new Set<BytePath>();
    for (const child of this.kids.get(path) ?? []) if (this.entries.has(child)) names.add(child);
    if (this.lowerMerges(path)) {
      for (const child of this.lower.readdir(path)) if (!this.whiteouts.has(child.path)) names.add(child.path);
    }
    return [...names].sort().map((child) => this.lookup(child)!);
  }

  /** Create `path` (its parent must be a directory, and nothing may be there yet). */
  add(path: BytePath, spec: EntrySpec): ResolvedEntry {
    if (path === ROOT) throw new PathError('EEXIST', path);
    this.requireDir(parentOf(path));
    if (this.lookup(path) !== undefined) throw new PathError('EEXIST', path);
    this.copyUpParents(path);
    // Over a whiteout, the new entry replaces it; a directory there must also stay empty of
    // what the whiteout deleted (overlayfs marks it opaque the same way).
    const overDeleted = this.whiteouts.delete(path);
    if (spec.type === 'dir' && overDeleted) this.opaque.add(path);
    this.setEntry(path, { ...spec, path });
    return this.lookup(path)!;
  }

  /** Change an existing entry's metadata or (for a regular file) content: copy-up first. */
  update(path: BytePath, changes: EntryChanges): ResolvedEntry {
    const current = this.lookup(path);
    if (current === undefined) throw new PathError('ENOENT', path);
    if ((changes.size !== undefined || changes.digest !== undefined) && current.entry.type !== 'file') {
      throw new PathError(current.entry.type === 'dir' ? 'EISDIR' : 'EINVAL', path);
    }
    this.copyUpParents(path);
    const base = current.layer === this.layer ? current.entry : copiedUp(current.entry, path);
    this.setEntry(path, { ...base, ...changes, path });
    return this.lookup(path)!;
  }

  /** Delete `path`; a non-empty directory only with `recursive`. */
  remove(path: BytePath, options: { recursive?: boolean } = {}): void {
    if (path === ROOT) throw new PathError('EINVAL', path, 'cannot remove the root directory');
    const current = this.lookup(path);
    if (current === undefined) throw new PathError('ENOENT', path);
    if (current.entry.type === 'dir' && !options.recursive && this.readdir(path).length > 0) {
      throw new PathError('ENOTEMPTY', path);
    }
    this.dropOwnSubtree(path);
    if (this.lowerShows(path) && this.lower.lookup(path) !== undefined) {
      this.copyUpParents(path);
      this.setWhiteout(path);
    }
  }

  /** Move `from` to `to` with rename(2)'s rules: a non-directory may replace a non-directory, a
   * directory may replace an empty directory. */
  rename(from: BytePath, to: BytePath): void {
    if (from === ROOT || to === ROOT) throw new PathError('EINVAL', from === ROOT ? from : to, 'cannot rename the root directory');
    const source = this.lookup(from);
    if (source === undefined) throw new PathError('ENOENT', from);
    this.requireDir(parentOf(to));
    if (from === to) return;
    if (to.startsWith(`${from}/`)) throw new PathError('EINVAL', to, `cannot move ${displayPath(from)} into itself`);
    const target = this.lookup(to);
    if (target !== undefined) {
      const sourceIsDir = source.entry.type === 'dir';
      const targetIsDir = target.entry.type === 'dir';
      if (sourceIsDir && !targetIsDir) throw new PathError('ENOTDIR', to);
      if (!sourceIsDir && targetIsDir) throw new PathError('EISDIR', to);
      if (targetIsDir && this.readdir(to).length > 0) throw new PathError('ENOTEMPTY', to);
    }
    const moved = this.subtree(from);
    if (target !== undefined) this.remove(to);
    for (const [suffix, entry] of moved) this.add(`${to}${suffix}` as BytePath, copiedUp(entry, entry.path));
    this.remove(from, { recursive: true });
  }

  /** This layer as a layer index (a snapshot, sorted by path). */
  index(): LayerIndex {
    return {
      entries: new Map([...this.entries].sort(([a], [b]) => (a < b ? -1 : 1))),
      whiteouts: new Set([...this.whiteouts].sort()),
      opaque: new Set([...this.opaque].sort()),
    };
  }

  /** Whether the lower view's entry at `path` shows through this layer. */
  private lowerShows(path: BytePath): boolean {
    if (this.whiteouts.has(path)) return false;
    for (let dir = path; dir !== ROOT;) {
      dir = parentOf(dir);
      if (this.whiteouts.has(dir) || this.opaque.has(dir)) return false;
      const own = this.entries.get(dir);
      if (own !== undefined && own.type !== 'dir') return false;
    }
    return true;
  }

  /** Whether the lower directory at `path` contributes its contents to this layer's listing. */
  private lowerMerges(path: BytePath): boolean {
    if (this.opaque.has(path) || !this.lowerShows(path)) return false;
    const own = this.entries.get(path);
    return (own === undefined || own.type === 'dir') && this.lower.lookup(path)?.entry.type === 'dir';
  }

  private lowerHidden(path: BytePath): readonly HiddenEntry[] {
    return this.lowerShows(path) ? hiddenUnder(this.lower.lookup(path)) : NO_HIDDEN;
  }

  private requireDir(path: BytePath): void {
    const found = this.lookup(path);
    if (found === undefined) throw new PathError('ENOENT', path);
    if (found.entry.type !== 'dir') throw new PathError('ENOTDIR', path);
  }

  /** Copy the parent directories of `path` into this layer, root-most first. */
  private copyUpParents(path: BytePath): void {
    const missing: BytePath[] = [];
    for (let dir = parentOf(path); dir !== ROOT && !this.entries.has(dir); dir = parentOf(dir)) missing.push(dir);
    for (let i = missing.length - 1; i >= 0; i--) {
      const dir = missing[i]!;
      this.setEntry(dir, copiedUp(this.lookup(dir)!.entry, dir));
    }
  }

  /** `path` and, below it, every path this layer holds: entries, whiteouts, opaque marks. */
  private subtree(path: BytePath): Array<[suffix: string, entry: IndexEntry]> {
    const out: Array<[string, IndexEntry]> = [];
    const stack = [this.lookup(path)!];
    while (stack.length > 0) {
      const node = stack.pop()!;
      out.push([node.path.slice(path.length), node.entry]);
      if (node.entry.type === 'dir') {
        const children = this.readdir(node.path);
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      }
    }
    return out;
  }

  private dropOwnSubtree(path: BytePath): void {
    const stack = [path];
    while (stack.length > 0) {
      const p = stack.pop()!;
      this.entries.delete(p);
      this.whiteouts.delete(p);
      this.opaque.delete(p);
      const kids = this.kids.get(p);
      if (kids === undefined) continue;
      this.kids.delete(p);
      for (const kid of kids) stack.push(kid);
    }
    this.kids.get(parentOf(path))?.delete(path);
  }

  private setEntry(path: BytePath, entry: IndexEntry): void {
    this.entries.set(path, entry);
    this.link(path);
  }

  private setWhiteout(path: BytePath): void {
    this.whiteouts.add(path);
    this.link(path);
  }

  private link(path: BytePath): void {
    if (path === ROOT) return;
    const parent = parentOf(path);
    let kids = this.kids.get(parent);
    if (kids === undefined) this.kids.set(parent, (kids = new Set()));
    kids.add(path);
  }
}

/** A lower entry copied into this layer at `path`: a copy no longer shares a lower hard link. */
function copiedUp(entry: IndexEntry, path: BytePath): IndexEntry {
  const copy: Mutable<IndexEntry> = { ...entry, path };
  delete copy.hardlinkOf;
  return copy;
}
