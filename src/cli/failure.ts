// The one place where an error becomes what the user sees: one "strata: …" line on stderr (see
// oneLine: words, never a code, nothing unprintable) and the exit status — 2 for a command line
// that cannot be acted on, the error's own status otherwise.

import { StrataError, UsageError, oneLine } from '../base/errors.js';
import { endBySignal } from '../base/interrupts.js';
import { outputClosed } from './closed-output.js';

/** Reports `err` on stderr; returns the exit status it stands for. */
export function reportFailure(err: unknown): number {
  // A write that failed because the reader went is no failure to report (closed-output.ts).
  if (outputClosed()) {
    endBySignal('SIGPIPE');
    return 141; // what the shell would see; reached only while an undoing runs first
  }
  if (process.env.STRATA_DEBUG === '1') console.error(err);
  process.stderr.write(`strata: ${oneLine(err)}\n`);
  if (err instanceof UsageError || !(err instanceof Error)) return 2;
  return err instanceof StrataError ? err.exitCode : 1;
}
