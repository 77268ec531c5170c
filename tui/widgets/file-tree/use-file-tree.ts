// The file tree's keys: list moves, Space folds, Left/h folds or goes up, Right/l unfolds, `e`
// folds or unfolds everything, `c` shows changed entries only.

import type { Key } from 'ink';
import type { Dispatch } from 'react';
import { useKeys } from '../keys/use-keys.js';
import { listMoveOf } from '../list/use-list.js';
import type { FileTreeAction } from './use-file-tree-state.js';

/** What a key press does to the tree shown `height` rows at a time (undefined: nothing). */
export function fileTreeActionOf(input: string, key: Key, height: number): FileTreeAction | undefined {
  const move = listMoveOf(input, key);
  if (move) return { type: 'move', move, height };
  if (input === ' ') return { type: 'toggleFold' };
  if (key.leftArrow || input === 'h') return { type: 'collapse' };
  if (key.rightArrow || input === 'l') return { type: 'expand' };
  if (input === 'e') return { type: 'toggleAll' };
  if (input === 'c') return { type: 'toggleChangedOnly' };
  return undefined;
}

export function useFileTree(dispatch: Dispatch<FileTreeAction>, options: { readonly isActive: boolean; readonly height: number }): void {
  useKeys((input, key) => {
    const action = fileTreeActionOf(input, key, options.height);
    if (action) dispatch(action);
  }, { isActive: options.isActive });
}
