// dive's image efficiency (dive/filetree/efficiency.go and dive/image/analysis.go), computed as dive
// computes it, from the layer indices alone. What dive does, step by step:
//
// - Each layer is a tree of its tar's entries (filetree.AddPath): a node per entry, intermediate
//   directories the tar does not list made as nodes with empty metadata (not directories, size 0),
//   a whiteout `.wh.NAME` as a node of that name, opaque markers (`.wh..wh..opq`) left out (their
//   directory still made). A node's size is its tar header's: a regular file's bytes, 0 for
//   directories, links (hard links too) and devices.
// - Every leaf of every layer (a node with no children in that layer; never the root) is one
//   "copy" of its path, visited children first, siblings by name. A copy's size is the node's size;
//   for a whiteout it is 0 unless the path it deletes is a directory in the stacked tree of the
//   layers below (StackTreeRange(trees, 0, layer - 1)), and then the sizes of that directory and
//   everything in it. Stacking ignores opaque markers (lower contents stay), and re-adding a path
//   overwrites its metadata, an unlisted intermediate directory's empty metadata included.
// - A whiteout whose path is not in that stacked tree stops the rest of the layer's visit, its path
//   already recorded with no copy and a smallest size of -1, which then counts in the sum.
//
//   score = Σ over paths of the smallest copy / Σ over paths of all copies   (1 when that is 0)
//   wasted bytes = Σ of all copies' bytes over the paths with two or more copies
//   user wasted ratio = wasted bytes / Σ of the sizes of every layer but the first
//
// One input differs from dive's: strata's import records a directory a tar only implies (no entry
// of its own) as an entry of the index (import/layer-tree.ts), so such a directory counts as listed
// here. Docker's and BuildKit's layer tars list every parent directory, so their figures agree.
//
// (docs/DESIGN.md §6 accounts a deleted file's bytes in `diff`'s sizes; dive counts a file's
// whiteout as 0, and this report is dive's, so CI thresholds copied from a .dive-ci agree.)

import { ROOT, type BytePath } from '../base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../base/layer-index.js';

export interface WastedPath {
  readonly path: BytePath;
  /** How many layers hold a copy of the path (whiteouts included). */
  readonly copies: number;
  /** Bytes of all the copies. */
  readonly totalBytes: number;
}

export interface EfficiencyReport {
  /** 0..1; 1 = nothing stored twice, nothing deleted. */
  readonly score: number;
  /** Σ over paths of their smallest copy: what the image would need at best. */
  readonly minimumBytes: number;
  /** Σ over paths of all their copies. */
  readonly totalBytes: number;
  /** Σ of all copies' bytes over the paths with two or more copies, as dive reports it. */
  readonly wastedBytes: number;
  /** The paths with two or more copies, most bytes first (then by path). */
  readonly wastedPaths: readonly WastedPath[];
  /** Σ of every layer's entry sizes (dive's image size). */
  readonly sizeBytes: number;
  /** The same without the first layer: what the image's own steps added (dive's user size). */
  readonly userSizeBytes: number;
  /** wastedBytes / userSizeBytes, as dive divides it: NaN for 0/0, Infinity for x/0. */
  readonly userWastedRatio: number;
}

const WHITEOUT = '.wh.';
const OPAQUE_PREFIX = '.wh..wh.';

interface Info {
  readonly size: number;
  readonly isDir: boolean;
}

/** dive's FileInfo{}: what a directory made only because a deeper path needed it carries. */
const NO_INFO: Info = { size: 0, isDir: false };

class Node {
  readonly children = new Map<string, Node>();
  constructor(readonly name: string, readonly parent: Node | undefined, public info: Info) {}
}

export function efficiency(layers: readonly LayerIndex[]): EfficiencyReport {
  const trees = layers.map(layerTree);
  const tallies = new Map<string, { copies: number; totalBytes: number; minBytes: number }>();

  // The stacked tree of layers 0..n-1, built as the layers are walked (dive rebuilds it for every
  // whiteout: the same tree). For layer 0, dive's range is empty and it reads layer 0 itself.
  let stacked: Node | undefined;
  let stackedThrough = -1;
  const below = (layer: number): Node => {
    if (layer === 0) return trees[0]!;
    while (stackedThrough < layer - 1) {
      stacked ??= copyTree(trees[0]!);
      stackedThrough++;
      stackTree(stacked, trees[stackedThrough]!);
    }
    return stacked!;
  };

  trees.forEach((tree, layer) => {
    visitChildFirst(tree, (node) => {
      if (node.children.size > 0) return true;
      const path = nodePath(node);
      let tally = tallies.get(path);
      if (tally === undefined) {
        tally = { copies: 0, totalBytes: 0, minBytes: -1 };
        tallies.set(path, tally);
      }
      let bytes = node.info.size;
      if (node.name.startsWith(WHITEOUT)) {
        const deleted = getNode(below(layer), path);
        if (deleted === undefined) return false;
        bytes = 0;
        if (deleted.info.isDir) visitChildFirst(deleted, (n) => { bytes += n.info.size; return true; }, true);
      }
      tally.copies++;
      tally.totalBytes += bytes;
      if (tally.minBytes < 0 || bytes < tally.minBytes) tally.minBytes = bytes;
      return true;
    });
  });

  let minimumBytes = 0;
  let totalBytes = 0;
  let wastedBytes = 0;
  const wastedPaths: WastedPath[] = [];
  for (const [path, tally] of tallies) {
    minimumBytes += tally.minBytes;
    totalBytes += tally.totalBytes;
    if (tally.copies < 2) continue;
    wastedBytes += tally.totalBytes;
    wastedPaths.push({ path: path as BytePath, copies: tally.copies, totalBytes: tally.totalBytes });
  }
  wastedPaths.sort((a, b) => b.totalBytes - a.totalBytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sizes = layers.map(layerBytes);
  const sizeBytes = sizes.reduce((a, b) => a + b, 0);
  const userSizeBytes = sizeBytes - (sizes[0] ?? 0);
  return {
    score: totalBytes === 0 ? 1 : minimumBytes / totalBytes,
    minimumBytes,
    totalBytes,
    wastedBytes,
    wastedPaths,
    sizeBytes,
    userSizeBytes,
    userWastedRatio: wastedBytes / userSizeBytes,
  };
}

/** A tar header's size: a regular file's bytes; 0 for a hard link (no content), 0 otherwise. */
function storedBytes(entry: IndexEntry): number {
  return entry.type === 'file' && entry.hardlinkOf === undefined ? entry.size : 0;
}

/** dive's layer size (tree.FileSize): the header sizes of all its entries. */
function layerBytes(layer: LayerIndex): number {
  let bytes = 0;
  for (const [path, entry] of layer.entries) if (path !== ROOT) bytes += storedBytes(entry);
  return bytes;
}

function layerTree(layer: LayerIndex): Node {
  const root = new Node('', undefined, NO_INFO);
  for (const [path, entry] of layer.entries) addPath(root, path, { size: storedBytes(entry), isDir: entry.type === 'dir' });
  for (const path of layer.whiteouts) {
    const slash = path.lastIndexOf('/');
    addPath(root, `${path.slice(0, slash)}/${WHITEOUT}${path.slice(slash + 1)}`, NO_INFO);
  }
  for (const dir of layer.opaque) addPath(root, `${dir === ROOT ? '' : dir}/${OPAQUE_PREFIX}.opq`, NO_INFO);
  return root;
}

/** filetree.AddPath: makes the missing nodes on the way (but no `.wh..wh.` one, which ends it),
 * and sets the last node's metadata, whatever it was. */
function addPath(root: Node, path: string, info: Info): void {
  const names = path.split('/').filter((n) => n !== '');
  let node = root;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    let child = node.children.get(name);
    if (child === undefined) {
      if (name.startsWith(OPAQUE_PREFIX)) return;
      child = new Node(name, node, NO_INFO);
      node.children.set(name, child);
    }
    node = child;
    if (i === names.length - 1) node.info = info;
  }
}

function getNode(root: Node, path: string): Node | undefined {
  let node: Node | undefined = root;
  for (const name of path.split('/')) {
    if (name === '') continue;
    node = node.children.get(name);
    if (node === undefined) return undefined;
  }
  return node;
}

/** FileTree.Stack: the upper tree's nodes children first; a whiteout removes its path, any other
 * node is added (its metadata replacing what was there). */
function stackTree(tree: Node, upper: Node): void {
  visitChildFirst(upper, (node) => {
    const path = nodePath(node);
    if (node.name.startsWith(WHITEOUT)) {
      const gone = getNode(tree, path);
      if (gone?.parent) gone.parent.children.delete(gone.name);
    } else {
      addPath(tree, path, node.info);
    }
    return true;
  });
}

function copyTree(node: Node, parent?: Node): Node {
  const copy = new Node(node.name, parent, node.info);
  for (const [name, child] of node.children) copy.children.set(name, copyTree(child, copy));
  return copy;
}

/** "/a/b"; a whiteout's own `.wh.` prefix is dropped (FileNode.Path). */
function nodePath(node: Node): string {
  const names: string[] = [];
  for (let n: Node | undefined = node; n?.parent !== undefined; n = n.parent) {
    names.push(n === node && n.name.startsWith(WHITEOUT) ? n.name.slice(WHITEOUT.length) : n.name);
  }
  return '/' + names.reverse().join('/');
}

/** VisitDepthChildFirst: children by name (byte order: names are latin1 byte strings) before
 * their parent; the tree's root is not visited unless `includeStart` (a subtree's top is).
 * `visit` returning false stops the walk. */
function visitChildFirst(start: Node, visit: (node: Node) => boolean, includeStart = false): boolean {
  const walk = (node: Node): boolean => {
    for (const name of [...node.children.keys()].sort()) {
      if (!walk(node.children.get(name)!)) return false;
    }
    if (node === start && !includeStart) return true;
    return visit(node);
  };
  return walk(start);
}
