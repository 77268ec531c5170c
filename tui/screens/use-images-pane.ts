// The Images pane's keys: list moves, Enter opens, r runs a shell, d removes (after y), i imports, b builds,
// m marks an image and c compares the marked one with the selection, Tab goes to Containers, ?
// help, q quits.

import { useKeys } from '../widgets/keys/use-keys.js';
import { useState } from 'react';
import { listMoveOf } from '../widgets/list/use-list.js';
import type { ListHandle } from '../widgets/list/use-list-state.js';

export interface ImagesPaneActions {
  open(): void;
  shell(): void;
  remove(): void;
  importFile(): void;
  build(): void;
  mark(): void;
  compare(): void;
  switchPane(): void;
  help(): void;
  quit(): void;
}

/** Returns whether a removal waits for its y/n. */
export function useImagesPane(list: ListHandle, actions: ImagesPaneActions, options: { readonly isActive: boolean; readonly hasRows: boolean }): boolean {
  const [confirming, setConfirming] = useState(false);
  useKeys((input, key) => {
    if (confirming) {
      setConfirming(false);
      if (input === 'y' || input === 'Y') actions.remove();
      return;
    }
    const move = listMoveOf(input, key);
    if (move) return list.move(move);
    if (key.tab) return actions.switchPane();
    if (input === 'i') return actions.importFile();
    if (input === 'b') return actions.build();
    if (input === '?') return actions.help();
    if (input === 'q') return actions.quit();
    if (!options.hasRows) return;
    if (key.return) actions.open();
    else if (input === 'r') actions.shell();
    else if (input === 'd') setConfirming(true);
    else if (input === 'm') actions.mark();
    else if (input === 'c') actions.compare();
  }, { isActive: options.isActive });
  return confirming;
}
