// The Containers pane's keys. In the list: moves, the verbs, `[` `]` (or ← →) to change the tab
// below, Enter into the tab, L straight into the logs. In a tab: its own keys (the diff tree's,
// scrolling elsewhere), `[` `]` still change the tab, Esc back to the list. The commit name takes
// the input's keys; the y/n before a removal takes one key.

import { useRef } from 'react';
import { useKeys } from '../widgets/keys/use-keys.js';
import { listMoveOf } from '../widgets/list/use-list.js';
import type { ListMove } from '../widgets/list/use-list-state.js';

export type ContainersFocus = 'list' | 'tab' | 'commit' | 'confirmRemove';

export interface ContainersPaneActions {
  move(move: ListMove): void;
  enterTab(): void;
  logs(): void;
  nextTab(step: 1 | -1): void;
  exec(): void;
  commit(): void;
  askRemove(): void;
  remove(): void;
  startStop(): void;
  /** A move inside the tab (the diff tree handles its own keys). */
  scrollTab(move: ListMove): void;
  reload(): void;
  toList(): void;
  switchPane(): void;
  help(): void;
  quit(): void;
}

export function useContainersPane(focus: ContainersFocus, actions: ContainersPaneActions, options: { readonly isActive: boolean; readonly hasRows: boolean; readonly treeTab: boolean }): void {
  // The list changes on its own (the store is watched): a key read between a frame and the
  // effects that subscribe its handler must still act on that frame's list, so the handler reads
  // the latest render's state, never the one it was made in.
  const latest = useRef({ focus, actions, options });
  latest.current = { focus, actions, options };
  useKeys((input, key) => {
    const { focus, actions, options } = latest.current;
    if (focus === 'confirmRemove') return input === 'y' || input === 'Y' ? actions.remove() : actions.toList();
    if (input === ']') return actions.nextTab(1);
    if (input === '[') return actions.nextTab(-1);
    if (focus === 'tab') {
      if (key.escape || input === 'q') return actions.toList();
      if (input === '?') return actions.help();
      const move = options.treeTab ? undefined : listMoveOf(input, key);
      if (move) actions.scrollTab(move);
      return;
    }
    const move = listMoveOf(input, key);
    if (move) return actions.move(move);
    if (key.rightArrow || input === 'l') return actions.nextTab(1);
    if (key.leftArrow || input === 'h') return actions.nextTab(-1);
    if (key.tab) return actions.switchPane();
    if (input === '?') return actions.help();
    if (input === 'q') return actions.quit();
    if (input === 'R') return actions.reload();
    if (!options.hasRows) return;
    if (key.return) actions.enterTab();
    else if (input === 'L') actions.logs();
    else if (input === 'e') actions.exec();
    else if (input === 'c') actions.commit();
    else if (input === 'd') actions.askRemove();
    else if (input === 's') actions.startStop();
  }, { isActive: options.isActive && focus !== 'commit' });
}
