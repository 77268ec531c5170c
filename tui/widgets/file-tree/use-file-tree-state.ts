// The file tree's view state over a FileTreeModel: which directories are folded, the path filter,
// "changed only", and the cursor over the rows that remain. The model is never changed; the rows
// on screen are `visible` (node indices), recomputed in one pass when folds or filters change,
// while cursor moves cost nothing that grows with the tree.

import { useReducer } from 'react';
import { bytesOfUserString, unescapePath, type BytePath } from '../../../src/base/byte-path.js';
import type { FileTreeModel, TreeNode } from '../../data/file-tree-model.js';
import { clampList, listReducer, type ListMove } from '../list/use-list-state.js';

export interface FileTreeState {
  readonly model: FileTreeModel;
  /** Folded directories, by path (so folds survive a change of layer). */
  readonly collapsed: ReadonlySet<BytePath>;
  readonly changedOnly: boolean;
  /** Case-insensitive substring of the path; "" for none. While it is set, folds are ignored. */
  readonly filter: string;
  /** The node indices shown, in order. */
  readonly visible: readonly number[];
  /** Index into `visible`. */
  readonly cursor: number;
  /** First index of `visible` on screen. */
  readonly top: number;
}

export type FileTreeAction =
  | { readonly type: 'move'; readonly move: ListMove; readonly height: number }
  /** Space: fold or unfold the directory under the cursor. */
  | { readonly type: 'toggleFold' }
  /** Left / h: fold the directory, or go to the parent. */
  | { readonly type: 'collapse' }
  /** Right / l: unfold the directory. */
  | { readonly type: 'expand' }
  /** Fold every directory, or unfold all when some are folded. */
  | { readonly type: 'toggleAll' }
  | { readonly type: 'toggleChangedOnly' }
  | { readonly type: 'setFilter'; readonly filter: string }
  /** Another model (another layer or scope): folds and filters kept, the cursor on the same path
   * when it is still there. */
  | { readonly type: 'setModel'; readonly model: FileTreeModel };

export function initialFileTree(model: FileTreeModel): FileTreeState {
  const base = { model, collapsed: new Set<BytePath>(), changedOnly: false, filter: '', cursor: 0, top: 0 };
  return { ...base, visible: visibleNodes(base) };
}

export function fileTreeReducer(state: FileTreeState, action: FileTreeAction): FileTreeState {
  switch (action.type) {
    case 'move': {
      const moved = listReducer(state, { type: 'move', move: action.move, count: state.visible.length, height: action.height });
      return moved.cursor === state.cursor && moved.top === state.top ? state : { ...state, ...moved };
    }
    case 'toggleFold': {
      const node = selectedNode(state);
      if (!node?.isDir || state.filter) return state;
      return refold(state, toggled(state.collapsed, node.path, !state.collapsed.has(node.path)));
    }
    case 'collapse': {
      const node = selectedNode(state);
      if (!node) return state;
      if (node.isDir && !state.filter && !state.collapsed.has(node.path) && node.end > state.visible[state.cursor]! + 1) {
        return refold(state, toggled(state.collapsed, node.path, true));
      }
      return node.parent < 0 ? state : withCursorOn(state, state.visible, node.parent);
    }
    case 'expand': {
      const node = selectedNode(state);
      if (!node?.isDir || !state.collapsed.has(node.path)) return state;
      return refold(state, toggled(state.collapsed, node.path, false));
    }
    case 'toggleAll': {
      const all = state.collapsed.size > 0
        ? new Set<BytePath>()
        : new Set(state.model.nodes.filter((n, i) => n.isDir && n.end > i + 1).map((n) => n.path));
      return refold(state, all);
    }
    case 'toggleChangedOnly':
      return recompute({ ...state, changedOnly: !state.changedOnly });
    case 'setFilter':
      return action.filter === state.filter ? state : recompute({ ...state, filter: action.filter });
    case 'setModel': {
      const path = selectedNode(state)?.path;
      const next = { ...state, model: action.model };
      const visible = visibleNodes(next);
      const at = path === undefined ? -1 : visible.findIndex((i) => action.model.nodes[i]!.path === path);
      return { ...next, visible, cursor: at >= 0 ? at : Math.min(state.cursor, Math.max(0, visible.length - 1)) };
    }
  }
}

export function selectedNode(state: FileTreeState): TreeNode | undefined {
  const index = state.visible[state.cursor];
  return index === undefined ? undefined : state.model.nodes[index];
}

/** The window of rows to draw for `height` rows: first row, and the cursor within them. */
export function treeWindow(state: FileTreeState, height: number): { readonly top: number; readonly cursor: number } {
  const { top, cursor } = clampList(state, state.visible.length, height);
  return { top, cursor };
}

function toggled(set: ReadonlySet<BytePath>, path: BytePath, on: boolean): Set<BytePath> {
  const next = new Set(set);
  if (on) next.add(path);
  else next.delete(path);
  return next;
}

function refold(state: FileTreeState, collapsed: ReadonlySet<BytePath>): FileTreeState {
  return recompute({ ...state, collapsed });
}

/** New visible rows; the cursor stays on its node, or moves to the nearest shown ancestor. */
function recompute(state: FileTreeState): FileTreeState {
  const visible = visibleNodes(state);
  const node = state.visible[state.cursor];
  return withCursorOn({ ...state, visible }, visible, node ?? -1);
}

function withCursorOn(state: FileTreeState, visible: readonly number[], nodeIndex: number): FileTreeState {
  const nodes = state.model.nodes;
  for (let n = nodeIndex; n >= 0; n = nodes[n]!.parent) {
    const at = binarySearch(visible, n);
    if (at >= 0) return { ...state, visible, cursor: at };
  }
  return { ...state, visible, cursor: Math.min(state.cursor, Math.max(0, visible.length - 1)) };
}

/** `visible` is ascending (depth-first order), so a node's row is found by bisection. */
function binarySearch(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const searchPaths = new WeakMap<FileTreeModel, string[]>();

/** Lower-cased paths of a model's nodes, made once per model (the filter's haystack). They stay
 * byte strings: the filter is turned into bytes too, so any name matches as typed, or as shown
 * (\xNN a byte, as in REF:PATH). */
function pathsOf(model: FileTreeModel): string[] {
  let paths = searchPaths.get(model);
  if (!paths) searchPaths.set(model, (paths = model.nodes.map((n) => n.path.toLowerCase())));
  return paths;
}

export function visibleNodes(state: Pick<FileTreeState, 'model' | 'collapsed' | 'changedOnly' | 'filter'>): number[] {
  const { nodes } = state.model;
  const out: number[] = [];
  if (state.filter) {
    const needle = filterBytes(state.filter).toLowerCase();
    const paths = pathsOf(state.model);
    const keep = new Uint8Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      if (!paths[i]!.includes(needle) || (state.changedOnly && !nodes[i]!.changed)) continue;
      for (let p = i; p >= 0 && !keep[p]; p = nodes[p]!.parent) keep[p] = 1;
    }
    for (let i = 0; i < nodes.length; i++) if (keep[i]) out.push(i);
    return out;
  }
  for (let i = 0; i < nodes.length;) {
    const node = nodes[i]!;
    if (state.changedOnly && !node.changed) {
      i = node.end;
      continue;
    }
    out.push(i);
    i = node.isDir && state.collapsed.has(node.path) ? node.end : i + 1;
  }
  return out;
}

/** The filter's bytes: its escapes read as in REF:PATH, or the text as it is while they are not
 * (a half-typed "\x", a lone backslash). */
function filterBytes(text: string): string {
  try {
    return unescapePath(text);
  } catch {
    return bytesOfUserString(text);
  }
}

export function useFileTreeState(model: FileTreeModel) {
  return useReducer(fileTreeReducer, model, initialFileTree);
}
