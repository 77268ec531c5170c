// Where the user is: which top pane (Images or Containers), which screen over it (an image, the
// import, the build), whether help is open, and whether a sandbox has the terminal. Pure reducer; the App
// holds it with useReducer.

import { useReducer } from 'react';
import type { ImageRow } from '../data/image-rows.js';

export type Pane = 'images' | 'containers';

export type Screen =
  | { readonly kind: 'panes' }
  | { readonly kind: 'image'; readonly row: ImageRow }
  | { readonly kind: 'import' }
  | { readonly kind: 'build' }
  | { readonly kind: 'compare'; readonly first: ImageRow; readonly second: ImageRow };

export interface Message {
  readonly text: string;
  readonly error: boolean;
}

export interface AppState {
  readonly pane: Pane;
  readonly screen: Screen;
  readonly help: boolean;
  /** The strata arguments that have the terminal (a shell), while they run. */
  readonly terminal: readonly string[] | undefined;
  /** The status line's message, until the next one. */
  readonly message: Message | undefined;
  /** Bumped whenever the store may have changed (import, rmi, commit, a shell): lists re-read. */
  readonly generation: number;
}

export type AppAction =
  | { readonly type: 'switchPane' }
  | { readonly type: 'openImage'; readonly row: ImageRow }
  | { readonly type: 'openImport' }
  | { readonly type: 'openBuild' }
  | { readonly type: 'openCompare'; readonly first: ImageRow; readonly second: ImageRow }
  | { readonly type: 'back' }
  | { readonly type: 'toggleHelp' }
  | { readonly type: 'takeTerminal'; readonly args: readonly string[] }
  | { readonly type: 'terminalDone'; readonly status: number }
  | { readonly type: 'notify'; readonly text: string; readonly error?: boolean }
  | { readonly type: 'storeChanged' };

export const APP_START: AppState = {
  pane: 'images', screen: { kind: 'panes' }, help: false, terminal: undefined, message: undefined, generation: 0,
};

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'switchPane':
      return { ...state, pane: state.pane === 'images' ? 'containers' : 'images', message: undefined };
    case 'openImage':
      return { ...state, screen: { kind: 'image', row: action.row }, message: undefined };
    case 'openImport':
      return { ...state, screen: { kind: 'import' }, message: undefined };
    case 'openBuild':
      return { ...state, screen: { kind: 'build' }, message: undefined };
    case 'openCompare':
      return { ...state, screen: { kind: 'compare', first: action.first, second: action.second }, message: undefined };
    case 'back':
      return { ...state, screen: { kind: 'panes' }, help: false };
    case 'toggleHelp':
      return { ...state, help: !state.help };
    case 'takeTerminal':
      return { ...state, terminal: action.args, help: false };
    case 'terminalDone': {
      const what = state.terminal?.includes('exec') ? 'exec' : 'shell';
      return {
        ...state,
        terminal: undefined,
        generation: state.generation + 1,
        message: { text: `${what} exited with status ${action.status}`, error: action.status !== 0 },
      };
    }
    case 'notify':
      return { ...state, message: { text: action.text, error: action.error ?? false } };
    case 'storeChanged':
      return { ...state, generation: state.generation + 1 };
  }
}

/** The help pane's name for the current screen. */
export function helpTopic(state: AppState): HelpTopic {
  return state.screen.kind === 'panes' ? state.pane : state.screen.kind;
}

export type HelpTopic = 'images' | 'containers' | 'image' | 'import' | 'build' | 'compare';

export function useAppState() {
  return useReducer(appReducer, APP_START);
}
