// The command line: yargs for parsing and help, one module per command under commands/, and the
// one place where errors become a "strata: …" line and an exit status.

import yargs, { type Argv, type CommandModule } from 'yargs';
import { StrataError, UsageError, oneLine } from '../base/errors.js';
import { splitCommandTail } from './command-tail.js';
import { commands, commandTails } from './commands/index.js';
import { noCommand } from './commands/tui.js';
import { DASH_TOKEN } from './define.js';

export async function runCli(args: string[], version: string): Promise<number> {
  let parser: Argv | undefined;
  try {
    // The words after `run IMAGE` are the command's: yargs never sees them (command-tail.ts).
    const split = splitCommandTail(args, commandTails);
    const words = split.args.map((a) => (a === '-' ? DASH_TOKEN : a));
    parser = yargs(words)
      .scriptName('strata')
      .usage('strata [--root DIR] [--json] [-q] COMMAND\n\nRun commands in sandboxes built from layered root filesystems.')
      .option('root', { type: 'string', describe: 'Store directory (default $STRATA_ROOT, /var/lib/strata for root, else ~/.local/share/strata)', global: true })
      .option('json', { type: 'boolean', describe: 'Machine-readable output (JSON Lines for lists)', global: true })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print only ids', global: true })
      .option('driver', { type: 'string', choices: ['overlay', 'copy'], describe: 'Rootfs driver for containers (default: overlay where strata can mount it, else copy)', global: true })
      .command(commands as CommandModule[])
      .command(noCommand(() => parser!.getHelp()) as CommandModule)
      .strict()
      .version(version)
      .help()
      .alias('help', 'h')
      .wrap(Math.min(100, process.stdout.columns || 100))
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      });
    await parser.parseAsync(words, split.tail === undefined ? {} : { commandTail: split.tail });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (process.env.STRATA_DEBUG === '1') console.error(err);
    const line = `strata: ${oneLine(err)}`;
    if (err instanceof UsageError || !(err instanceof Error)) {
      process.stderr.write(`${line}\nRun 'strata --help' for usage.\n`);
      return 2;
    }
    process.stderr.write(line + '\n');
    return err instanceof StrataError ? err.exitCode : 1;
  }
}
