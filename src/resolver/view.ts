// A read-only union view of a layer stack (base first): what an image looks like at its top layer,
// or at any layer N below (`at(N)`). Built once (see merge.ts); every lookup is one Map get.

import type { BytePath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { EntryType, LayerIndex } from '../base/layer-index.js';
import { MergedTree } from './merge.js';
import { PathError } from './path-error.js';
import type { PathTypes, ResolvedEntry, TreeReader } from './types.js';

export class View implements TreeReader, PathTypes {
  /** The stack this view merges, base first. */
  readonly layers: readonly LayerIndex[];
  private readonly tree: MergedTree;
  private sorted: readonly ResolvedEntry[] | undefined;
  private readonly listings = new Map<BytePath, readonly ResolvedEntry[]>();

  private constructor(layers: readonly LayerIndex[]) {
    this.layers = layers;
    this.tree = new MergedTree();
    for (const layer of layers) this.tree.push(layer);
  }

  /** The union view of `layers` (base first). An empty stack is an image with an empty root. */
  static of(layers: readonly LayerIndex[]): View {
    return new View([...layers]);
  }

  get layerCount(): number {
    return this.layers.length;
  }

  /** Number of paths in the merged tree, the root included. */
  get size(): number {
    return this.tree.size;
  }

  lookup(path: BytePath): ResolvedEntry | undefined {
    return this.tree.get(path);
  }

  typeOf(path: BytePath): EntryType | undefined {
    return this.tree.get(path)?.entry.type;
  }

  readdir(path: BytePath): readonly ResolvedEntry[] {
    const dir = this.tree.get(path);
    if (dir === undefined) throw new PathError('ENOENT', path);
    if (dir.entry.type !== 'dir') throw new PathError('ENOTDIR', path);
    let listing = this.listings.get(path);
    if (listing === undefined) {
      listing = [...(this.tree.childrenOf(path) ?? [])].sort().map((child) => this.tree.get(child)!);
      this.listings.set(path, listing);
    }
    return listing;
  }

  /** Every path under the directory `dir` (not `dir` itself); none when it is not a directory. */
  pathsUnder(dir: BytePath): BytePath[] {
    const out: BytePath[] = [];
    const visit = (d: BytePath) => {
      if (this.typeOf(d) !== 'dir') return;
      for (const child of this.readdir(d)) {
        out.push(child.path);
        visit(child.path);
      }
    };
    visit(dir);
    return out;
  }

  /** The whole merged tree sorted by path bytes: the root first, every directory before its
   * contents (the order of `tree` and of an exported tar). */
  walk(): readonly ResolvedEntry[] {
    this.sorted ??= [...this.tree.paths()].sort().map((path) => this.tree.get(path)!);
    return this.sorted;
  }

  /** The image as it was at layer `layer` (0 = the base): the stack cut above it. */
  at(layer: number): View {
    checkLayerNumber(layer, this.layers.length);
    return layer === this.layers.length - 1 ? this : new View(this.layers.slice(0, layer + 1));
  }
}

/** Refuses a layer number that a stack of `count` layers lacks (0 = the base). */
export function checkLayerNumber(layer: number, count: number): void {
  if (!Number.isInteger(layer) || layer < 0 || layer >= count) {
    throw new StrataError(`layer ${layer} is out of range (the image has layers 0 to ${count - 1})`);
  }
}
