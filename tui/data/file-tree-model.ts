// The tree the Image view (and a container's diff) shows, flattened once into depth-first order:
// every node knows its depth, its parent and where its subtree ends, so folding, filtering and
// "changed only" are one pass over an array and the view keeps no tree of its own. Plain data:
// cursor, folds and filter live in the widget's state (widgets/file-tree).

import { ROOT, baseName, displayPath, parentOf, type BytePath } from '../../src/base/byte-path.js';
import type { ResolvedEntry, TreeReader } from '../../src/resolver/types.js';
import type { Changes, Mark } from './changes.js';

export interface TreeNode {
  readonly path: BytePath;
  /** The last component, for display (displayPath). */
  readonly name: string;
  /** 0 for the entries of "/". */
  readonly depth: number;
  /** Index of the parent node, -1 at the top. */
  readonly parent: number;
  /** Index just past this node's last descendant. */
  readonly end: number;
  readonly isDir: boolean;
  /** What the view shows here; for a removed node, what the view below had. Absent in a diff
   * tree built from paths alone. */
  readonly entry: ResolvedEntry | undefined;
  readonly mark: Mark | undefined;
  /** The node or one below it has a mark. */
  readonly changed: boolean;
  /** Bytes of the files at and under this node in the view (a removed node counts none). */
  readonly size: number;
  /** Bytes of the files at and under this node that the change marks added or modified. */
  readonly changedSize: number;
}

export interface FileTreeModel {
  readonly nodes: readonly TreeNode[];
  /** How many nodes carry a mark. */
  readonly marked: number;
}

type Building = { -readonly [K in keyof TreeNode]: TreeNode[K] };

/** The merged tree of `view` with `changes` marked, removed paths merged in where they were. */
export function buildFileTree(view: TreeReader, changes: Changes): FileTreeModel {
  const nodes: Building[] = [];
  let marked = 0;
  const visit = (dir: BytePath, present: boolean, depth: number, parent: number): boolean => {
    const here = present ? view.readdir(dir) : [];
    const gone = new Set(changes.removed.get(dir));
    const children = gone.size === 0 ? here : [...here, ...gone].sort((a, b) => (a.path < b.path ? -1 : 1));
    let anyChanged = false;
    for (const r of children) {
      const isRemoved = gone.has(r);
      const mark = isRemoved ? 'R' : changes.markOf(r.path);
      if (mark) marked++;
      const index = nodes.length;
      const own = !isRemoved && r.entry.type === 'file' ? r.entry.size : 0;
      const node: Building = {
        path: r.path, name: displayPath(baseName(r.path)), depth, parent, end: 0,
        isDir: r.entry.type === 'dir', entry: r, mark, changed: mark !== undefined,
        size: own, changedSize: mark === 'A' || mark === 'M' ? own : 0,
      };
      nodes.push(node);
      if (node.isDir && visit(r.path, !isRemoved, depth + 1, index)) node.changed = true;
      node.end = nodes.length;
      if (parent >= 0) {
        nodes[parent]!.size += node.size;
        nodes[parent]!.changedSize += node.changedSize;
      }
      anyChanged ||= node.changed;
    }
    return anyChanged;
  };
  visit(ROOT, true, 0, -1);
  return { nodes, marked };
}

/** A tree of paths alone, each with its mark (a container's `diff`: A/C/D become A/M/R). Parents
 * that the list leaves out are added unmarked. */
export function buildPathTree(changes: readonly { readonly path: BytePath; readonly mark: Mark }[]): FileTreeModel {
  const markOf = new Map<BytePath, Mark>();
  const childrenOf = new Map<BytePath, Set<BytePath>>();
  const add = (path: BytePath) => {
    for (let p = path; p !== ROOT; p = parentOf(p)) {
      const parent = parentOf(p);
      let set = childrenOf.get(parent);
      if (!set) childrenOf.set(parent, (set = new Set()));
      if (set.has(p)) break;
      set.add(p);
    }
  };
  for (const c of changes) {
    markOf.set(c.path, c.mark);
    add(c.path);
  }
  const nodes: Building[] = [];
  const visit = (dir: BytePath, depth: number, parent: number) => {
    for (const path of [...(childrenOf.get(dir) ?? [])].sort()) {
      const index = nodes.length;
      const mark = markOf.get(path);
      const node: Building = {
        path, name: displayPath(baseName(path)), depth, parent, end: 0,
        isDir: childrenOf.has(path), entry: undefined, mark, changed: true, size: 0, changedSize: 0,
      };
      nodes.push(node);
      visit(path, depth + 1, index);
      node.end = nodes.length;
    }
  };
  visit(ROOT, 0, -1);
  return { nodes, marked: markOf.size };
}

/** The same tree with each directory's entries ordered by `key` (largest first; by name among
 * equals): the nodes copied into the new depth-first order, parents and ends renumbered. */
export function sortedBySize(model: FileTreeModel, key: 'size' | 'changedSize' = 'size'): FileTreeModel {
  const { nodes } = model;
  const childrenOf = (i: number): number[] => {
    const out: number[] = [];
    for (let c = i + 1; c < nodes[i]!.end; c = nodes[c]!.end) out.push(c);
    return out;
  };
  const out: TreeNode[] = [];
  const place = (i: number, parent: number) => {
    const at = out.length;
    out.push(nodes[i]!);
    const kids = childrenOf(i).sort((a, b) => nodes[b]![key] - nodes[a]![key] || (nodes[a]!.path < nodes[b]!.path ? -1 : 1));
    for (const c of kids) place(c, at);
    out[at] = { ...nodes[i]!, parent, end: out.length };
  };
  const top = [];
  for (let c = 0; c < nodes.length; c = nodes[c]!.end) top.push(c);
  top.sort((a, b) => nodes[b]![key] - nodes[a]![key] || (nodes[a]!.path < nodes[b]!.path ? -1 : 1));
  for (const c of top) place(c, -1);
  return { nodes: out, marked: model.marked };
}
