// The Image view's keys, in one subscription that routes by the view's current mode (kept in a
// ref, so the key right after `/` already reaches the filter, before any re-render): while the
// filter (or the extraction's path) is open, the text input's keys; while the pager is, none (it
// has its own); otherwise Tab, `a`, `/`, `r`, `s`, `f`, `x`, Enter/`v`, `d`, Esc/q, ?, and the moves of
// the tree or the layer list, whichever has the focus.

import type { MutableRefObject } from 'react';
import { fileTreeActionOf } from '../widgets/file-tree/use-file-tree.js';
import type { FileTreeAction } from '../widgets/file-tree/use-file-tree-state.js';
import { useKeys } from '../widgets/keys/use-keys.js';
import { listMoveOf } from '../widgets/list/use-list.js';
import type { ListMove } from '../widgets/list/use-list-state.js';
import { textInputKeysOf } from '../widgets/text-input/use-text-input.js';
import type { TextInputAction } from '../widgets/text-input/use-text-input-state.js';

export type ImageFocus = 'tree' | 'layers' | 'filter' | 'extract' | 'pager';

export interface ImageScreenActions {
  toggleFocus(): void;
  moveLayer(move: ListMove): void;
  tree(action: FileTreeAction): void;
  toggleScope(): void;
  openFilter(): void;
  filter(action: TextInputAction): void;
  closeFilter(keep: boolean): void;
  shell(): void;
  toggleSort(): void;
  toggleFull(): void;
  /** Enter or v: the selected file in the pager. */
  view(): void;
  /** d: the selected file against the layer below. */
  diffBelow(): void;
  /** x: extract the selected file to a host path (asks for it). */
  extract(): void;
  extractInput(action: TextInputAction | 'complete'): void;
  closeExtract(submit: boolean): void;
  back(): void;
  help(): void;
}

export function useImageScreen(focus: MutableRefObject<ImageFocus>, treeRows: number, actions: ImageScreenActions, options: { readonly isActive: boolean }): void {
  useKeys((input, key) => {
    if (focus.current === 'extract') {
      for (const action of textInputKeysOf(input, key)) {
        if (action === 'submit' || action === 'cancel') return actions.closeExtract(action === 'submit');
        actions.extractInput(action);
      }
      return;
    }
    if (focus.current === 'filter') {
      for (const action of textInputKeysOf(input, key)) {
        if (action === 'submit' || action === 'cancel') return actions.closeFilter(action === 'submit');
        if (action !== 'complete') actions.filter(action);
      }
      return;
    }
    if (key.tab) return actions.toggleFocus();
    if (key.escape || input === 'q') return actions.back();
    if (input === '?') return actions.help();
    if (input === '/') return actions.openFilter();
    if (input === 'a') return actions.toggleScope();
    if (input === 'r') return actions.shell();
    if (input === 's') return actions.toggleSort();
    if (input === 'f') return actions.toggleFull();
    if (input === 'x') return actions.extract();
    if (focus.current === 'tree' && (key.return || input === 'v')) return actions.view();
    if (focus.current === 'tree' && input === 'd') return actions.diffBelow();
    if (focus.current === 'layers') {
      const move = listMoveOf(input, key);
      if (move) actions.moveLayer(move);
      return;
    }
    const action = fileTreeActionOf(input, key, treeRows);
    if (action) actions.tree(action);
  }, options);
}
