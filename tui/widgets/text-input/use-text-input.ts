// The keys of a text input: printable characters, Backspace/Delete, Left/Right, Home/End (and
// Ctrl-A/Ctrl-E), Tab to complete, Enter to submit, Esc to cancel.

import { useInput, type Key } from 'ink';
import type { Dispatch } from 'react';
import type { TextInputAction, TextInputState } from './use-text-input-state.js';

export type TextInputKey = TextInputAction | 'submit' | 'cancel' | 'complete';

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
  if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.pageUp && !key.pageDown) return { type: 'insert', text: input };
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
    const action = textInputKeyOf(input, key);
    if (action === 'submit') keys.onSubmit(state.value);
    else if (action === 'cancel') keys.onCancel();
    else if (action === 'complete') {
      if (keys.complete) dispatch({ type: 'completed', matches: keys.complete(state.value) });
    } else if (action) dispatch(action);
  }, { isActive: keys.isActive });
}
