// Runs the build while the build view is in its running phase: the log reaches the reducer at most
// ten times a second (with the spinner's tick), Esc aborts through the signal, the ending is
// dispatched once, with the whole log.

import { useEffect, useRef, type Dispatch } from 'react';
import { oneLine } from '../../src/base/errors.js';
import { BuildJobCancelled, type BuildRequest, type BuildResult } from '../data/build-job.js';
import { applyBuildEvent, EMPTY_LOG, type BuildEvent, type BuildLog } from '../data/build-log.js';
import type { BuildAction, BuildPhase } from './use-build-state.js';

const FRAME_MS = 100;

export type BuildRunner = (request: BuildRequest, onEvent: (e: BuildEvent) => void, signal: AbortSignal) => Promise<BuildResult>;

export function useBuildJob(phase: BuildPhase, dispatch: Dispatch<BuildAction>, run: BuildRunner, onBuilt: (result: BuildResult) => void): void {
  const controller = useRef<AbortController | undefined>(undefined);
  const running = phase.kind === 'running' ? phase : undefined;
  useEffect(() => {
    if (!running) return;
    const abort = new AbortController();
    controller.current = abort;
    let log: BuildLog = EMPTY_LOG;
    let shown = log;
    const timer = setInterval(() => {
      if (log !== shown) dispatch({ type: 'log', log: (shown = log) });
      dispatch({ type: 'tick' });
    }, FRAME_MS);
    run(running.request, (e) => (log = applyBuildEvent(log, e)), abort.signal)
      .then((result) => {
        dispatch({ type: 'finished', log, made: result.tag ?? result.id });
        onBuilt(result);
      }, (err: unknown) => dispatch(err instanceof BuildJobCancelled ? { type: 'cancelled', log } : { type: 'failed', log, error: oneLine(err) }))
      .finally(() => clearInterval(timer));
    return () => {
      clearInterval(timer);
      abort.abort();
    };
    // One job per running phase: the phase object changes with the log, its request does not.
  }, [running?.request]);
  useEffect(() => {
    if (running?.cancelling) controller.current?.abort();
  }, [running?.cancelling]);
}
