// A cursor over a list that shows `height` rows at a time: the one piece of state the Images,
// Layers and Containers lists share (and the file tree reuses for its visible rows). Pure: the
// reducer knows nothing of the terminal; the hook only holds its state.

import { useCallback, useReducer } from 'react';

export interface ListState {
  /** Index of the selected row. */
  readonly cursor: number;
  /** Index of the first row on screen. */
  readonly top: number;
}

export type ListMove = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

export type ListAction =
  | { readonly type: 'move'; readonly move: ListMove; readonly count: number; readonly height: number }
  | { readonly type: 'select'; readonly index: number; readonly count: number; readonly height: number };

export const LIST_START: ListState = { cursor: 0, top: 0 };

export function listReducer(state: ListState, action: ListAction): ListState {
  const { count, height } = action;
  const page = Math.max(1, height - 1);
  const target = action.type === 'select' ? action.index : {
    up: state.cursor - 1,
    down: state.cursor + 1,
    pageUp: state.cursor - page,
    pageDown: state.cursor + page,
    home: 0,
    end: count - 1,
  }[action.move];
  return clampList({ cursor: target, top: state.top }, count, height);
}

/** The state made valid for `count` rows shown `height` at a time: the cursor inside the list and
 * on screen, and no blank rows below the last one while rows above are hidden. */
export function clampList(state: ListState, count: number, height: number): ListState {
  const rows = Math.max(1, height);
  const cursor = Math.max(0, Math.min(state.cursor, count - 1));
  let top = Math.min(state.top, Math.max(0, count - rows));
  if (cursor < top) top = cursor;
  if (cursor >= top + rows) top = cursor - rows + 1;
  top = Math.max(0, top);
  return cursor === state.cursor && top === state.top ? state : { cursor, top };
}

export interface ListHandle {
  /** Valid for the current count and height. */
  readonly state: ListState;
  move(move: ListMove): void;
  select(index: number): void;
  /** Where a move would put the cursor (to act on the new selection in the same key press). */
  peek(move: ListMove): number;
}

export function useListState(count: number, height: number, initialCursor = 0): ListHandle {
  const [raw, dispatch] = useReducer(listReducer, initialCursor, (cursor): ListState => ({ cursor, top: 0 }));
  const move = useCallback((m: ListMove) => dispatch({ type: 'move', move: m, count, height }), [count, height]);
  const select = useCallback((index: number) => dispatch({ type: 'select', index, count, height }), [count, height]);
  const state = clampList(raw, count, height);
  const peek = (m: ListMove) => listReducer(state, { type: 'move', move: m, count, height }).cursor;
  return { state, move, select, peek };
}
