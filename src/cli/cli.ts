// The command line: yargs for parsing and help, one module per command under commands/; errors
// become a "strata: …" line and a status in failure.ts. A plain `run` line never comes here
// (run-fast-path.ts).

import yargs, { type Arguments, type Argv, type CommandModule } from 'yargs';
import { UsageError } from '../base/errors.js';
import { commandWord, splitCommandTail } from './command-tail.js';
import { commands, commandTails } from './commands/index.js';
import { noCommand } from './commands/tui.js';
import { DASH_TOKEN, type CommandLine } from './define.js';
import { reportFailure } from './failure.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { unknownWord } from './unknown-words.js';

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
  const words = helpWords(split.args, commandModules).map((a) => (a === '-' ? DASH_TOKEN : a));
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
    // Help is written and the parse returns, so that a closed stdout is met as at any other
    // write (closed-output.ts) rather than behind yargs' own exit.
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? unknownWord(split.args, commandModules) ?? new UsageError(`${msg}; see '${helpFor(split.args, commandModules)}'`);
    });
  const commandLine: CommandLine = { modules: commandModules, parse: (w) => parseCommandLine(w, version, commandModules) };
  await parser.parseAsync(words, { commandLine, ...(split.tail === undefined ? {} : { commandTail: split.tail }) });
}

/** The line yargs is to parse for `args`. A line that asks for help has its unknown words named
 * first (yargs would show the help and ignore them). `strata help` alone (or `help help`) is
 * `strata --help`: yargs reads a bare last "help" as --help, and would show the help of `help`. */
function helpWords(args: readonly string[], commandModules: readonly CommandModule[]): string[] {
  const word = commandWord(args);
  if (word !== 'help' && !args.includes('--help') && !args.includes('-h')) return [...args];
  const unknown = unknownWord(args, commandModules);
  if (unknown !== undefined) throw unknown;
  const at = args.indexOf('help');
  const rest = word === 'help' ? args.slice(at + 1) : [];
  const named = rest.filter((w) => !w.startsWith('-'));
  return word === 'help' && named.every((w) => w === 'help') ? [...args.slice(0, at), '--help'] : [...args];
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
