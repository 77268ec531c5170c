// A command is a yargs CommandModule whose handler gets a Context; its return value, if a number,
// is the exit status.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { makeContext, type Context, type GlobalOptions } from '../app/context.js';

/** yargs reads a lone "-" as a nameless flag; cli.ts swaps it for this token before parsing and
 * every handler gets "-" back (the stdin/stdout argument of import, save, cp…). */
export const DASH_TOKEN = '\u0000-';

function restoreDash<T>(value: T): T {
  if (value === DASH_TOKEN) return '-' as T;
  if (Array.isArray(value)) return value.map(restoreDash) as T;
  return value;
}

export function defineCommand<A>(spec: {
  command: string | string[];
  /** false: a command for strata's own use, left out of the help (`__complete`). */
  describe: string | false;
  builder: (y: Argv<GlobalOptions>) => Argv<A>;
  run: (ctx: Context, argv: ArgumentsCamelCase<A & GlobalOptions>) => Promise<number | void>;
}): CommandModule<GlobalOptions, A> {
  return {
    command: spec.command,
    describe: spec.describe,
    builder: spec.builder,
    handler: async (parsed) => {
      const argv = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, restoreDash(v)]));
      const code = await spec.run(makeContext(argv as GlobalOptions), argv as ArgumentsCamelCase<A & GlobalOptions>);
      if (typeof code === 'number') process.exitCode = code;
    },
  };
}

/** The command line a handler was reached from, for the commands about commands (help,
 * completion): cli.ts hands it to every handler in argv, so that none of them imports the
 * command table that lists it. */
export interface CommandLine {
  /** The command table (commands/index.ts). */
  readonly modules: readonly CommandModule[];
  /** Parses and runs `words` as another command line (`help run` is `run --help`). */
  parse(words: readonly string[]): Promise<void>;
}

export function commandLineOf(argv: object): CommandLine {
  return (argv as { commandLine: CommandLine }).commandLine;
}
