// `strata` and `strata tui` on a terminal without yargs. Loading yargs and every command's
// definition, then parsing, costs ≈ 25 ms before the TUI's first frame; a plain TUI line
// (lean-parse.ts over the global options) goes straight to the TUI instead. Any other line, and
// any line without a terminal (`strata` alone then prints the help), goes through cli.ts.

import { makeContext, type GlobalOptions } from '../app/context.js';
import { openTui } from '../app/open-tui.js';
import { reportFailure } from './failure.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { DEFAULT_COMMAND, leanParse } from './lean-parse.js';

/** The global options of a plain `strata [OPTIONS]` or `strata [OPTIONS] tui` line, or undefined
 * when yargs must decide. */
export function parsePlainTui(args: readonly string[]): GlobalOptions | undefined {
  return leanParse(args, GLOBAL_OPTIONS, { name: 'tui', options: {}, positionals: [] })
    ?? leanParse(args, GLOBAL_OPTIONS, { name: DEFAULT_COMMAND, options: {}, positionals: [] });
}

/** Runs a plain TUI line on a terminal to its exit status; undefined (nothing done) otherwise. */
export async function tuiFastPath(args: readonly string[]): Promise<number | undefined> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  const argv = parsePlainTui(args);
  if (argv === undefined) return undefined;
  try {
    return await openTui(makeContext(argv));
  } catch (err) {
    return reportFailure(err);
  }
}
