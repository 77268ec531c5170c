// Runs the import while the Import view is in its running phase: progress reaches the reducer at
// most ten times a second, Esc aborts through the signal, the ending is dispatched once.

import { useEffect, useRef, type Dispatch } from 'react';
import { oneLine } from '../../src/base/errors.js';
import { ImportCancelled, type ImportProgress, type ImportRequest } from '../data/import-job.js';
import type { ImportAction, ImportPhase } from './use-import-state.js';

const PROGRESS_MS = 100;

export type ImportRunner = (request: ImportRequest, onProgress: (p: ImportProgress) => void, signal: AbortSignal) => Promise<string[]>;

export function useImportJob(phase: ImportPhase, dispatch: Dispatch<ImportAction>, run: ImportRunner, onStoreChanged: () => void): void {
  const controller = useRef<AbortController | undefined>(undefined);
  const running = phase.kind === 'running' ? phase : undefined;
  useEffect(() => {
    if (!running) return;
    const abort = new AbortController();
    controller.current = abort;
    let latest: ImportProgress | undefined;
    const timer = setInterval(() => latest && dispatch({ type: 'progress', progress: latest }), PROGRESS_MS);
    run({ path: running.path, name: running.name }, (p) => (latest = p), abort.signal)
      .then((made) => {
        dispatch({ type: 'finished', made });
        onStoreChanged();
      }, (err: unknown) => dispatch(err instanceof ImportCancelled ? { type: 'cancelled' } : { type: 'failed', error: oneLine(err) }))
      .finally(() => clearInterval(timer));
    return () => {
      clearInterval(timer);
      abort.abort();
    };
    // One job per running phase: the phase object changes with progress, its path does not.
  }, [running?.path, running?.name, running !== undefined]);
  useEffect(() => {
    if (running?.cancelling) controller.current?.abort();
  }, [running?.cancelling]);
}
