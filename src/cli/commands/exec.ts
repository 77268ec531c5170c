// `strata exec [OPTIONS] CONTAINER COMMAND [ARG...]`: as with run, the words after CONTAINER never
// reach yargs (command-tail.ts). The exit status is the command's; a container that is not
// running is a plain error (status 1, as `docker exec` has it), a failure to start the command
// 125, 126 or 127.

import { UsageError } from '../../base/errors.js';
import { defineCommand } from '../define.js';
import { refuseTtyWithoutTerminal } from '../terminal-input.js';

/** exec's options that take a value (command-tail.ts needs them to find CONTAINER). */
export const EXEC_VALUE_OPTIONS = ['e', 'env', 'w', 'workdir', 'u', 'user'];

export const exec = defineCommand({
  command: 'exec <container> [command..]',
  describe: 'Run a command in a running container: exec [OPTIONS] CONTAINER COMMAND [ARG...]',
  builder: (y) => y
    .positional('container', { type: 'string', demandOption: true, describe: 'Container name or id' })
    .positional('command', { type: 'string', array: true, describe: 'The command and its arguments (everything after CONTAINER)' })
    .option('interactive', { alias: 'i', type: 'boolean', describe: 'Pass stdin to the command' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'Give the command a pseudo-terminal' })
    .option('env', { alias: 'e', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Set an environment variable (K=V, or K to copy it)' })
    .option('workdir', { alias: 'w', type: 'string', requiresArg: true, describe: 'Working directory inside the container' })
    .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: "USER[:GROUP], names from the container's /etc/passwd and /etc/group" }),
  run: async (ctx, argv) => {
    const tail = (argv as { commandTail?: string[] }).commandTail ?? [];
    if (tail.length === 0) throw new UsageError('exec needs a command: exec [OPTIONS] CONTAINER COMMAND [ARG...]');
    refuseTtyWithoutTerminal(argv.tty);
    const store = await ctx.store();
    const { execInContainer } = await import('../../runtime/containers/exec.js');
    return execInContainer(store, argv.container, {
      args: tail,
      interactive: argv.interactive,
      tty: argv.tty,
      env: argv.env,
      workdir: argv.workdir,
      user: argv.user,
    });
  },
});
