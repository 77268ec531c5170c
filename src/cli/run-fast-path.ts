// `strata run` without yargs. Loading yargs and every command's definition, then parsing, costs
// more than all of run's own work before the sandbox starts; a plain run line (lean-parse.ts)
// goes straight to run's handler instead. Any other line — help, a mistake, an unusual form, any
// other command — returns undefined here and goes through cli.ts, as every line did before.

import { splitCommandTail } from './command-tail.js';
import { RUN_OPTIONS, RUN_TAIL, run } from './commands/run.js';
import { reportFailure } from './failure.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { leanParse } from './lean-parse.js';

/** The argv run's handler would get from yargs for `args`, or undefined when yargs must decide. */
export function parsePlainRun(args: readonly string[]): Record<string, unknown> | undefined {
  const split = splitCommandTail(args, { run: RUN_TAIL });
  if (split.tail === undefined) return undefined;
  const argv = leanParse(split.args, GLOBAL_OPTIONS, { name: 'run', options: RUN_OPTIONS, positionals: ['image'] });
  return argv && { ...argv, commandTail: split.tail };
}

/** Runs a plain run line to its exit status; undefined (nothing done) for any other line. */
export async function runFastPath(args: readonly string[]): Promise<number | undefined> {
  const argv = parsePlainRun(args);
  if (argv === undefined) return undefined;
  try {
    await (run.handler as (argv: Record<string, unknown>) => Promise<void>)(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    return reportFailure(err);
  }
}
