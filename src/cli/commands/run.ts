// `strata run [OPTIONS] IMAGE [COMMAND] [ARG...]`: the words after IMAGE never reach yargs
// (command-tail.ts cuts them off; they arrive as `commandTail`). The exit status is the
// command's; strata's own failures exit 125 (docs/DESIGN.md §5), as `docker run` does, and a command line
// that cannot be acted on (a bad flag value among them) 2, as for every command. Values arrive as
// typed, numbers too: runtime/run-flags.ts checks them, for yargs and the fast path alike.

import type { Options } from 'yargs';
import { StrataError, UsageError, oneLine } from '../../base/errors.js';
import { valueOptionNames, type TailSpec } from '../command-tail.js';
import { defineCommand } from '../define.js';
import { refuseTtyWithoutTerminal } from '../terminal-input.js';

const list = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

/** run's options, in the order --help lists them: yargs is given this table, and so is the lean
 * parser of run's fast path (run-fast-path.ts). */
export const RUN_OPTIONS = {
  detach: { alias: 'd', type: 'boolean', describe: 'Run in the background and print the container id' },
  rm: { type: 'boolean', describe: 'Remove the container when it exits' },
  name: { type: 'string', requiresArg: true, describe: 'Name the container' },
  interactive: { alias: 'i', type: 'boolean', describe: 'Pass stdin to the command' },
  tty: { alias: 't', type: 'boolean', describe: 'Give the command a pseudo-terminal' },
  env: { alias: 'e', ...list, describe: 'Set an environment variable (K=V, or K to copy it)' },
  'env-file': { ...list, describe: 'Read environment variables from a file' },
  workdir: { alias: 'w', type: 'string', requiresArg: true, describe: 'Working directory inside the container' },
  user: { alias: 'u', type: 'string', requiresArg: true, describe: 'USER[:GROUP], names from the image\'s /etc/passwd and /etc/group' },
  volume: { alias: 'v', ...list, describe: 'Bind mount HOST:CONTAINER[:ro]' },
  net: { alias: 'network', type: 'string', requiresArg: true, describe: 'Network: none (loopback only, the default) or host' },
  memory: { alias: 'm', type: 'string', requiresArg: true, describe: 'Memory limit (e.g. 256m, 1g)' },
  pids: { type: 'string', requiresArg: true, describe: 'Process limit (default 4096)' },
  cpus: { type: 'string', requiresArg: true, describe: 'CPU limit (e.g. 0.5)' },
  timeout: { type: 'string', requiresArg: true, describe: 'Kill the container after this many whole seconds (exit 124)' },
  hostname: { type: 'string', requiresArg: true, describe: 'Hostname (default: the short container id)' },
  'read-only': { type: 'boolean', describe: 'Mount the container\'s root read-only' },
  entrypoint: { type: 'string', requiresArg: true, describe: 'Replace the image\'s Entrypoint (and drop its Cmd)' },
} as const satisfies Record<string, Options>;

/** Where run's own words end (command-tail.ts): after IMAGE. */
export const RUN_TAIL: TailSpec = { valueOptions: new Set(valueOptionNames(RUN_OPTIONS)), positionals: 1 };

export const run = defineCommand({
  command: 'run <image> [command..]',
  describe: 'Run a command in a new container: run [OPTIONS] IMAGE [COMMAND] [ARG...]',
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true, describe: 'NAME[:TAG] or image id' })
    .positional('command', { type: 'string', array: true, describe: 'The command and its arguments (everything after IMAGE; default: the image\'s Entrypoint and Cmd)' })
    .options(RUN_OPTIONS),
  run: async (ctx, argv) => {
    const tail = (argv as { commandTail?: string[] }).commandTail ?? [];
    if (argv.detach && (argv.tty || argv.interactive)) throw new UsageError('-d cannot be combined with -i or -t (strata has no attach)');
    // Outside the try: Docker's status for it is 1, not 125.
    refuseTtyWithoutTerminal(argv.tty);
    try {
      const store = await ctx.store();
      const { runContainer } = await import('../../runtime/containers/run.js');
      return await runContainer(store, {
        image: argv.image,
        args: tail,
        name: argv.name,
        rm: argv.rm,
        interactive: argv.interactive,
        tty: argv.tty,
        env: argv.env,
        envFiles: argv.envFile,
        workdir: argv.workdir,
        user: argv.user,
        volumes: argv.volume,
        net: argv.net,
        memory: argv.memory,
        pids: argv.pids,
        cpus: argv.cpus,
        timeout: argv.timeout,
        hostname: argv.hostname,
        readOnly: argv.readOnly,
        entrypoint: argv.entrypoint,
        driver: ctx.driver,
        detach: argv.detach,
      }, (text) => ctx.out(text));
    } catch (err) {
      throw strataFailure(err);
    }
  },
});

/** Before the command runs, every failure but a usage error is strata's: status 125 (unless
 * already 126/127…). */
function strataFailure(err: unknown): unknown {
  if (err instanceof StrataError && err.exitCode === 1) return new StrataError(err.message, { cause: err.cause, exitCode: 125 });
  if (!(err instanceof StrataError)) return new StrataError(oneLine(err), { exitCode: 125 });
  return err;
}
