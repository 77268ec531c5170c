// The keys of every list: arrows and j/k, PgUp/PgDn, Home/End (and g/G, as in less and vim).

import type { Key } from 'ink';
import { useKeys } from '../keys/use-keys.js';
import type { ListHandle, ListMove } from './use-list-state.js';

export function listMoveOf(input: string, key: Key): ListMove | undefined {
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home || input === 'g') return 'home';
  if (key.end || input === 'G') return 'end';
  return undefined;
}

export function useList(list: Pick<ListHandle, 'move'>, options: { readonly isActive: boolean }): void {
  useKeys((input, key) => {
    const move = listMoveOf(input, key);
    if (move) list.move(move);
  }, options);
}
