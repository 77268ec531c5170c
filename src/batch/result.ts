// A job's result: one JSON line on stdout, every field present (null where it does not apply), in
// the order docs/batch.md lists them.

import { jsonText } from '../base/terminal-text.js';
import type { CapturedText } from './capture.js';

export interface JobResult {
  readonly id: string | null;
  /** The job's line in the input. */
  readonly line: number;
  /** The command's exit status (128+N when signal N ended it, 124 on timeout); null when it
   * did not run. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly oomKilled: boolean;
  readonly stdout: CapturedText;
  readonly stdoutTruncated: boolean;
  readonly stderr: CapturedText;
  readonly stderrTruncated: boolean;
  readonly durationMs: number;
  /** With --keep: the container's `diff`. */
  readonly changes: readonly { readonly kind: string; readonly path: string }[] | null;
  /** strata's own failure for this job (a malformed line, an unknown image…). */
  readonly error: string | null;
}

/** The result of a line that is no job. */
export function lineError(line: number, id: string | null, error: string): JobResult {
  return {
    id, line, exitCode: null, signal: null, timedOut: false, oomKilled: false,
    stdout: '', stdoutTruncated: false, stderr: '', stderrTruncated: false, durationMs: 0, changes: null, error,
  };
}

/** Whether a result counts as a failure (--fail-fast, the exit status). */
export function failed(r: JobResult): boolean {
  return r.error !== null || r.exitCode !== 0;
}

/** The line printed: JSON with DEL and the C1 controls escaped too, so a result shown on a
 * terminal cannot drive it. */
export function resultLine(r: JobResult): string {
  return `${jsonText(r)}\n`;
}
