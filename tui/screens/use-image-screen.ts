// The Image view's keys, in one subscription that routes by the view's current mode (kept in a
// ref, so the key right after `/` already reaches the filter, before any re-render): while the
// filter is open, the text input's keys; otherwise Tab, `a`, `/`, `r`, `s`, `f`, Esc/q, ?, and the moves of
// the tree or the layer list, whichever has the focus.

import type { MutableRefObject } from 'react';
import { fileTreeActionOf } from '../widgets/file-tree/use-file-tree.js';
import type { FileTreeAction } from '../widgets/file-tree/use-file-tree-state.js';
import { useKeys } from '../widgets/keys/use-keys.js';
import { listMoveOf } from '../widgets/list/use-list.js';
import type { ListMove } from '../widgets/list/use-list-state.js';
import { textInputKeysOf } from '../widgets/text-input/use-text-input.js';
import type { TextInputAction } from '../widgets/text-input/use-text-input-state.js';

export type ImageFocus = 'tree' | 'layers' | 'filter';

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
  back(): void;
  help(): void;
}

export function useImageScreen(focus: MutableRefObject<ImageFocus>, treeRows: number, actions: ImageScreenActions, options: { readonly isActive: boolean }): void {
  useKeys((input, key) => {
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
    if (focus.current === 'layers') {
      const move = listMoveOf(input, key);
      if (move) actions.moveLayer(move);
      return;
    }
    const action = fileTreeActionOf(input, key, treeRows);
    if (action) actions.tree(action);
  }, options);
}
