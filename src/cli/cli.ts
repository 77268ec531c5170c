// The command line: yargs for parsing and help, one module per command under commands/; errors
// become a "strata: …" line and a status in failure.ts. A plain `run` line never comes here
// (run-fast-path.ts).

import yargs, { type Argv, type CommandModule } from 'yargs';
import { UsageError } from '../base/errors.js';
import { splitCommandTail } from './command-tail.js';
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
    .strict()
    .version(version)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  await parser.parseAsync(words, split.tail === undefined ? {} : { commandTail: split.tail });
}
