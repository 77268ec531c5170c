// The Import view's steps: a path (with completion), a name, the running import with its
// progress, and how it ended. Pure reducer; the screen runs the job and feeds it progress.

import { useReducer } from 'react';
import type { ImportProgress } from '../data/import-job.js';

export type ImportPhase =
  | { readonly kind: 'path'; readonly error?: string }
  | { readonly kind: 'name'; readonly path: string }
  | { readonly kind: 'running'; readonly path: string; readonly name: string; readonly progress: ImportProgress | undefined; readonly cancelling: boolean }
  | { readonly kind: 'done'; readonly made: readonly string[] }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'cancelled' };

export type ImportAction =
  | { readonly type: 'pathRefused'; readonly error: string }
  | { readonly type: 'pathChosen'; readonly path: string }
  | { readonly type: 'start'; readonly name: string }
  | { readonly type: 'progress'; readonly progress: ImportProgress }
  | { readonly type: 'cancel' }
  | { readonly type: 'finished'; readonly made: readonly string[] }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'cancelled' }
  | { readonly type: 'again' };

export const IMPORT_START: ImportPhase = { kind: 'path' };

export function importReducer(state: ImportPhase, action: ImportAction): ImportPhase {
  switch (action.type) {
    case 'pathRefused':
      return state.kind === 'path' ? { kind: 'path', error: action.error } : state;
    case 'pathChosen':
      return state.kind === 'path' ? { kind: 'name', path: action.path } : state;
    case 'start':
      return state.kind === 'name' ? { kind: 'running', path: state.path, name: action.name, progress: undefined, cancelling: false } : state;
    case 'progress':
      return state.kind === 'running' ? { ...state, progress: action.progress } : state;
    case 'cancel':
      return state.kind === 'running' ? { ...state, cancelling: true } : state;
    case 'finished':
      return state.kind === 'running' ? { kind: 'done', made: action.made } : state;
    case 'failed':
      return state.kind === 'running' ? { kind: 'failed', error: action.error } : state;
    case 'cancelled':
      return state.kind === 'running' ? { kind: 'cancelled' } : state;
    case 'again':
      return IMPORT_START;
  }
}

export function useImportState() {
  return useReducer(importReducer, IMPORT_START);
}
