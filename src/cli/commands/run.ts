// `strata run [OPTIONS] IMAGE [COMMAND] [ARG...]`: the words after IMAGE never reach yargs
// (command-tail.ts cuts them off; they arrive as `commandTail`). The exit status is the
// command's; strata's own failures exit 125 (DESIGN §5), as `docker run` does.

import { StrataError, UsageError, oneLine } from '../../base/errors.js';
import { defineCommand } from '../define.js';

/** run's options that take a value (command-tail.ts needs them to find IMAGE). */
export const RUN_VALUE_OPTIONS = [
  'name', 'e', 'env', 'env-file', 'w', 'workdir', 'u', 'user', 'v', 'volume', 'net', 'network',
  'm', 'memory', 'pids', 'cpus', 'timeout', 'hostname', 'entrypoint',
];

const list = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

export const run = defineCommand({
  command: 'run <image> [command..]',
  describe: 'Run a command in a new container: run [OPTIONS] IMAGE [COMMAND] [ARG...]',
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true, describe: 'NAME[:TAG] or image id' })
    .positional('command', { type: 'string', array: true, describe: 'The command and its arguments (everything after IMAGE; default: the image\'s Entrypoint and Cmd)' })
    .option('detach', { alias: 'd', type: 'boolean', describe: 'Run in the background and print the container id' })
    .option('rm', { type: 'boolean', describe: 'Remove the container when it exits' })
    .option('name', { type: 'string', requiresArg: true, describe: 'Name the container' })
    .option('interactive', { alias: 'i', type: 'boolean', describe: 'Pass stdin to the command' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'Give the command a pseudo-terminal' })
    .option('env', { alias: 'e', ...list, describe: 'Set an environment variable (K=V, or K to copy it)' })
    .option('env-file', { ...list, describe: 'Read environment variables from a file' })
    .option('workdir', { alias: 'w', type: 'string', requiresArg: true, describe: 'Working directory inside the container' })
    .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'USER[:GROUP], names from the image\'s /etc/passwd and /etc/group' })
    .option('volume', { alias: 'v', ...list, describe: 'Bind mount HOST:CONTAINER[:ro]' })
    .option('net', { alias: 'network', type: 'string', choices: ['none', 'host'], describe: 'Network: none (loopback only, the default) or host' })
    .option('memory', { alias: 'm', type: 'string', requiresArg: true, describe: 'Memory limit (e.g. 256m, 1g)' })
    .option('pids', { type: 'number', requiresArg: true, describe: 'Process limit (default 4096)' })
    .option('cpus', { type: 'number', requiresArg: true, describe: 'CPU limit (e.g. 0.5)' })
    .option('timeout', { type: 'number', requiresArg: true, describe: 'Kill the container after this many seconds (exit 124)' })
    .option('hostname', { type: 'string', requiresArg: true, describe: 'Hostname (default: the short container id)' })
    .option('read-only', { type: 'boolean', describe: 'Mount the container\'s root read-only' })
    .option('entrypoint', { type: 'string', requiresArg: true, describe: 'Replace the image\'s Entrypoint (and drop its Cmd)' }),
  run: async (ctx, argv) => {
    const tail = (argv as { commandTail?: string[] }).commandTail ?? [];
    try {
      if (argv.detach && (argv.tty || argv.interactive)) throw new UsageError('-d cannot be combined with -i or -t (strata has no attach)');
      const store = await ctx.store();
      const { runContainer } = await import('../../runtime/run-container.js');
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
        net: argv.net as 'none' | 'host' | undefined,
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

/** Before the command runs, every failure is strata's: status 125 (unless already 126/127…). */
function strataFailure(err: unknown): unknown {
  if (err instanceof UsageError) return new StrataError(err.message, { exitCode: 125 });
  if (err instanceof StrataError && err.exitCode === 1) return new StrataError(err.message, { cause: err.cause, exitCode: 125 });
  if (!(err instanceof StrataError)) return new StrataError(oneLine(err), { exitCode: 125 });
  return err;
}
