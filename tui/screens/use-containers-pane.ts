// The Containers pane's keys in each of its modes: the list (moves and verbs), the diff tree
// (the tree's own keys; Esc back), the logs (scrolling; Esc back), the commit name (the input's
// keys), and the y/n before a removal.

import { useKeys } from '../widgets/keys/use-keys.js';
import { listMoveOf } from '../widgets/list/use-list.js';
import type { ListMove } from '../widgets/list/use-list-state.js';

export type ContainersMode = 'list' | 'diff' | 'logs' | 'commit' | 'confirmRemove';

export interface ContainersPaneActions {
  move(move: ListMove): void;
  diff(): void;
  exec(): void;
  commit(): void;
  askRemove(): void;
  remove(): void;
  startStop(): void;
  logs(): void;
  scrollLogs(move: ListMove): void;
  reload(): void;
  toList(): void;
  switchPane(): void;
  help(): void;
  quit(): void;
}

export function useContainersPane(mode: ContainersMode, actions: ContainersPaneActions, options: { readonly isActive: boolean; readonly hasRows: boolean }): void {
  useKeys((input, key) => {
    if (mode === 'confirmRemove') return input === 'y' || input === 'Y' ? actions.remove() : actions.toList();
    if (mode === 'diff' || mode === 'logs') {
      if (key.escape || input === 'q') return actions.toList();
      if (input === '?') return actions.help();
      const move = mode === 'logs' ? listMoveOf(input, key) : undefined;
      if (move) actions.scrollLogs(move);
      return;
    }
    const move = listMoveOf(input, key);
    if (move) return actions.move(move);
    if (key.tab) return actions.switchPane();
    if (input === '?') return actions.help();
    if (input === 'q') return actions.quit();
    if (input === 'R') return actions.reload();
    if (!options.hasRows) return;
    if (key.return) actions.diff();
    else if (input === 'e') actions.exec();
    else if (input === 'c') actions.commit();
    else if (input === 'd') actions.askRemove();
    else if (input === 's') actions.startStop();
    else if (input === 'L') actions.logs();
  }, { isActive: options.isActive && mode !== 'commit' });
}
