// The build view's steps: a context directory, its Dockerfile, build args and a tag (each field
// with its own input), then the running build with its log, and how it ended. Pure reducer; the
// screen runs the job and feeds it the log.

import { useReducer } from 'react';
import type { BuildLog } from '../data/build-log.js';
import type { BuildRequest } from '../data/build-job.js';

export type BuildField = 'context' | 'file' | 'args' | 'tag';

export const BUILD_FIELDS: readonly BuildField[] = ['context', 'file', 'args', 'tag'];

export type BuildPhase =
  | { readonly kind: 'form'; readonly field: BuildField; readonly error?: string }
  | { readonly kind: 'running'; readonly request: BuildRequest; readonly log: BuildLog; readonly cancelling: boolean; readonly tick: number }
  | { readonly kind: 'failed'; readonly log: BuildLog; readonly error: string }
  | { readonly kind: 'cancelled'; readonly log: BuildLog }
  | { readonly kind: 'done'; readonly log: BuildLog; readonly made: string };

export type BuildAction =
  | { readonly type: 'next' }
  | { readonly type: 'previous' }
  | { readonly type: 'refused'; readonly error: string }
  | { readonly type: 'start'; readonly request: BuildRequest }
  | { readonly type: 'log'; readonly log: BuildLog }
  | { readonly type: 'tick' }
  | { readonly type: 'cancel' }
  | { readonly type: 'finished'; readonly log: BuildLog; readonly made: string }
  | { readonly type: 'failed'; readonly log: BuildLog; readonly error: string }
  | { readonly type: 'cancelled'; readonly log: BuildLog }
  | { readonly type: 'again' };

export const BUILD_START: BuildPhase = { kind: 'form', field: 'context' };

export function buildReducer(state: BuildPhase, action: BuildAction): BuildPhase {
  switch (action.type) {
    case 'next': {
      if (state.kind !== 'form') return state;
      const next = BUILD_FIELDS[BUILD_FIELDS.indexOf(state.field) + 1];
      return next ? { kind: 'form', field: next } : state;
    }
    case 'previous': {
      if (state.kind !== 'form') return state;
      const previous = BUILD_FIELDS[BUILD_FIELDS.indexOf(state.field) - 1];
      return previous ? { kind: 'form', field: previous } : state;
    }
    case 'refused':
      return state.kind === 'form' ? { ...state, error: action.error } : state;
    case 'start':
      return state.kind === 'form' ? { kind: 'running', request: action.request, log: { steps: [], notes: [] }, cancelling: false, tick: 0 } : state;
    case 'log':
      return state.kind === 'running' ? { ...state, log: action.log } : state;
    case 'tick':
      return state.kind === 'running' ? { ...state, tick: state.tick + 1 } : state;
    case 'cancel':
      return state.kind === 'running' ? { ...state, cancelling: true } : state;
    case 'finished':
      return state.kind === 'running' ? { kind: 'done', log: action.log, made: action.made } : state;
    case 'failed':
      return state.kind === 'running' ? { kind: 'failed', log: action.log, error: action.error } : state;
    case 'cancelled':
      return state.kind === 'running' ? { kind: 'cancelled', log: action.log } : state;
    case 'again':
      return state.kind === 'failed' || state.kind === 'cancelled' || state.kind === 'done' ? { kind: 'form', field: 'context' } : state;
  }
}

export function useBuildState() {
  return useReducer(buildReducer, BUILD_START);
}
