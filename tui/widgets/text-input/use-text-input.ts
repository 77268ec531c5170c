// The keys of a text input: printable characters, Backspace/Delete, Left/Right, Home/End (and
// Ctrl-A/Ctrl-E), Tab to complete, Enter to submit, Esc to cancel.

import { useInput, type Key } from 'ink';
import type { Dispatch } from 'react';
import { textInputReducer, type TextInputAction, type TextInputState } from './use-text-input-state.js';

export type TextInputKey = TextInputAction | 'submit' | 'cancel' | 'complete';

/** What one chunk of terminal input does to a text input, in order. A chunk can hold several
 * keys — text pasted, or typed faster than a frame, ending in Enter arrives as "name\r" — so the
 * text before a line end is inserted and the line end submits; other control characters (which
 * would move the terminal's cursor if echoed) are dropped. */
export function textInputKeysOf(input: string, key: Key): TextInputKey[] {
  const end = key.return || key.ctrl || key.meta ? -1 : input.search(/[\r\n]/);
  if (end < 0) {
    const one = textInputKeyOf(input, key);
    return one === undefined ? [] : [one];
  }
  const text = input.slice(0, end).replace(/[\x00-\x1f\x7f]/g, '');
  return [...(text ? [{ type: 'insert', text } as const] : []), 'submit'];
}

/** What a key press does to a text input (undefined: nothing). */
export function textInputKeyOf(input: string, key: Key): TextInputKey | undefined {
  if (key.return) return 'submit';
  if (key.escape) return 'cancel';
  if (key.tab) return 'complete';
  if (key.backspace || key.delete) return { type: 'backspace' };
  if (key.leftArrow) return { type: 'left' };
  if (key.rightArrow) return { type: 'right' };
  if (key.home || (key.ctrl && input === 'a')) return { type: 'home' };
  if (key.end || (key.ctrl && input === 'e')) return { type: 'end' };
  const text = input.replace(/[\x00-\x1f\x7f]/g, '');
  if (text && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.pageUp && !key.pageDown) return { type: 'insert', text };
  return undefined;
}

export interface TextInputKeys {
  readonly isActive: boolean;
  readonly onSubmit: (value: string) => void;
  readonly onCancel: () => void;
  /** Tab: the hook dispatches `completed` with what this returns. */
  readonly complete?: (value: string) => readonly string[];
}

export function useTextInput(state: TextInputState, dispatch: Dispatch<TextInputAction>, keys: TextInputKeys): void {
  useInput((input, key) => {
    // `state` is this render's: actions of one chunk are applied to a local copy as they go.
    let current = state;
    for (const action of textInputKeysOf(input, key)) {
      if (action === 'submit') return keys.onSubmit(current.value);
      if (action === 'cancel') return keys.onCancel();
      if (action === 'complete') {
        if (keys.complete) dispatch({ type: 'completed', matches: keys.complete(current.value) });
      } else {
        current = textInputReducer(current, action);
        dispatch(action);
      }
    }
  }, { isActive: keys.isActive });
}
