// A one-line text input: value, cursor, and the candidates of the last completion. Completion
// itself (reading a directory) happens outside; `completed` applies its result: one match
// replaces the value, several extend it to their common prefix and are listed.

import { useReducer } from 'react';

export interface TextInputState {
  readonly value: string;
  /** Cursor position in code units, 0..value.length. */
  readonly cursor: number;
  /** What the last completion offered when it was ambiguous; [] otherwise. */
  readonly candidates: readonly string[];
}

export type TextInputAction =
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'backspace' }
  | { readonly type: 'delete' }
  | { readonly type: 'left' }
  | { readonly type: 'right' }
  | { readonly type: 'home' }
  | { readonly type: 'end' }
  | { readonly type: 'set'; readonly value: string }
  | { readonly type: 'completed'; readonly matches: readonly string[] };

export function textInputStart(value = ''): TextInputState {
  return { value, cursor: value.length, candidates: [] };
}

export function textInputReducer(state: TextInputState, action: TextInputAction): TextInputState {
  const { value, cursor } = state;
  switch (action.type) {
    case 'insert':
      return edit(value.slice(0, cursor) + action.text + value.slice(cursor), cursor + action.text.length);
    case 'backspace':
      return cursor === 0 ? state : edit(value.slice(0, cursor - 1) + value.slice(cursor), cursor - 1);
    case 'delete':
      return cursor === value.length ? state : edit(value.slice(0, cursor) + value.slice(cursor + 1), cursor);
    case 'left':
      return { ...state, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { ...state, cursor: Math.min(value.length, cursor + 1) };
    case 'home':
      return { ...state, cursor: 0 };
    case 'end':
      return { ...state, cursor: value.length };
    case 'set':
      return textInputStart(action.value);
    case 'completed': {
      const { matches } = action;
      if (matches.length === 0) return { ...state, candidates: [] };
      if (matches.length === 1) return textInputStart(matches[0]!);
      const prefix = commonPrefix(matches);
      return { value: prefix.length > value.length ? prefix : value, cursor: Math.max(prefix.length, value.length), candidates: matches };
    }
  }
}

function edit(value: string, cursor: number): TextInputState {
  return { value, cursor, candidates: [] };
}

export function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

export function useTextInputState(initial = '') {
  return useReducer(textInputReducer, initial, textInputStart);
}
