// The one place where an error becomes what the user sees: a "strata: …" line on stderr (with a
// pointer to the help for a command line that cannot be acted on) and the exit status.

import { StrataError, UsageError, oneLine } from '../base/errors.js';

/** Reports `err` on stderr; returns the exit status it stands for. */
export function reportFailure(err: unknown): number {
  if (process.env.STRATA_DEBUG === '1') console.error(err);
  const line = `strata: ${oneLine(err)}`;
  if (err instanceof UsageError || !(err instanceof Error)) {
    process.stderr.write(`${line}\nRun 'strata --help' for usage.\n`);
    return 2;
  }
  process.stderr.write(line + '\n');
  return err instanceof StrataError ? err.exitCode : 1;
}
