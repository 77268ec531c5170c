// The command line: yargs for parsing and help, one module per command under commands/; errors
// become a "strata: …" line and a status in failure.ts. A plain `run` line never comes here
// (run-fast-path.ts).

import yargs, { type Arguments, type Argv, type CommandModule } from 'yargs';
import { UsageError } from '../base/errors.js';
import { commandWord, splitCommandTail } from './command-tail.js';
import { commands, commandTails } from './commands/index.js';
import { noCommand } from './commands/tui.js';
import { DASH_TOKEN } from './define.js';
import { reportFailure } from './failure.js';
import { GLOBAL_OPTIONS } from './global-options.js';

export async function runCli(args: string[], version: string): Promise<number> {
  try {
    await parseCommandLine(args, version, commands as CommandModule[]);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    return reportFailure(err);
  }
}

/** Parses `args` with yargs and runs the command's handler, one of `commandModules`. Exported
 * for test/cli/run-fast-path.test.ts, which gives it handlers that only record their argv. */
export async function parseCommandLine(args: readonly string[], version: string, commandModules: readonly CommandModule[]): Promise<void> {
  // The words after `run IMAGE` are the command's: yargs never sees them (command-tail.ts).
  const split = splitCommandTail(args, commandTails);
  const words = split.args.map((a) => (a === '-' ? DASH_TOKEN : a));
  const parser: Argv = yargs(words)
    .scriptName('strata')
    .usage('strata [--root DIR] [--json] [-q] COMMAND\n\nRun commands in sandboxes built from layered root filesystems.')
    .options(GLOBAL_OPTIONS)
    .command(commandModules as CommandModule[])
    .command(noCommand(() => parser.getHelp()) as CommandModule)
    .middleware(refuseRepeated as (argv: Arguments) => void)
    .strict()
    .version(version)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(`${msg}; see '${helpFor(split.args, commandModules)}'`);
    });
  await parser.parseAsync(words, split.tail === undefined ? {} : { commandTail: split.tail });
}

/** The declared options, as yargs' instance (untyped in its declarations) lists them. */
interface DeclaredOptions {
  getOptions(): { readonly key: Readonly<Record<string, unknown>>; readonly array: readonly string[] };
}

/** yargs makes an array of an option given twice that takes one value; Docker would keep the
 * last. Neither is what a handler expects, so it is a usage error. */
function refuseRepeated(argv: Arguments, y: unknown): void {
  const { key, array } = (y as DeclaredOptions).getOptions();
  for (const name of Object.keys(key)) {
    if (Array.isArray(argv[name]) && !array.includes(name)) throw new UsageError(`${name.length === 1 ? '-' : '--'}${name} is given more than once`);
  }
}

/** Where the help for a mistaken line is: `strata run --help` for a run line. */
function helpFor(args: readonly string[], commandModules: readonly CommandModule[]): string {
  const word = commandWord(args);
  const known = commandModules.some((m) => [m.command].flat().some((c) => c?.split(' ')[0] === word));
  return known && !word!.startsWith('__') ? `strata ${word} --help` : 'strata --help';
}
