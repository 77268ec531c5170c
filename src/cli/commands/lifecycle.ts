// Detached containers: start, stop, kill, wait, logs. The runtime loads inside `run`.

import { StrataError, oneLine } from '../../base/errors.js';
import { wholeNumber } from '../../base/flag-values.js';
import { defineCommand } from '../define.js';

/** Runs `fn` for each named container; a failure is reported and the rest go on (Docker's way). */
async function eachContainer(names: readonly string[], out: (t: string) => void, fn: (name: string) => Promise<void>): Promise<number> {
  let failed = 0;
  for (const name of names) {
    try {
      await fn(name);
      out(`${name}\n`);
    } catch (err) {
      if (!(err instanceof StrataError)) throw err;
      process.stderr.write(`strata: ${oneLine(err)}\n`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

const containers = { type: 'string', array: true, demandOption: true } as const;

export const start = defineCommand({
  command: 'start <container..>',
  describe: 'Start stopped containers again, in the background',
  builder: (y) => y.positional('container', containers),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const { startExisting } = await import('../../runtime/containers/lifecycle.js');
    return eachContainer(argv.container, ctx.out, (name) => startExisting(store, name));
  },
});

export const stop = defineCommand({
  command: 'stop <container..>',
  describe: 'Stop running containers: SIGTERM, then SIGKILL after the grace period',
  builder: (y) => y
    .positional('container', containers)
    .option('time', { alias: 't', type: 'string', requiresArg: true, describe: 'Seconds to wait before SIGKILL (default 10)' }),
  run: async (ctx, argv) => {
    const grace = argv.time === undefined ? 10 : wholeNumber('--time', argv.time, 0, 24 * 3600, 'whole seconds');
    const store = await ctx.store();
    const { stopContainer } = await import('../../runtime/containers/lifecycle.js');
    return eachContainer(argv.container, ctx.out, (name) => stopContainer(store, name, grace));
  },
});

export const kill = defineCommand({
  command: 'kill <container..>',
  describe: 'Send a signal (default KILL) to running containers',
  builder: (y) => y
    .positional('container', containers)
    .option('signal', { alias: 's', type: 'string', default: 'KILL', describe: 'Signal name or number' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const { killContainer, parseSignal } = await import('../../runtime/containers/lifecycle.js');
    const sig = parseSignal(argv.signal);
    return eachContainer(argv.container, ctx.out, (name) => killContainer(store, name, sig));
  },
});

export const wait = defineCommand({
  command: 'wait <container..>',
  describe: 'Wait for containers to exit; print their exit statuses',
  builder: (y) => y.positional('container', containers),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const { waitContainer } = await import('../../runtime/containers/lifecycle.js');
    for (const name of argv.container) ctx.out(`${await waitContainer(store, name)}\n`);
  },
});

export const logs = defineCommand({
  command: 'logs <container>',
  describe: 'Print the output of a detached container',
  builder: (y) => y
    .positional('container', { type: 'string', demandOption: true })
    .option('follow', { alias: 'f', type: 'boolean', describe: 'Keep printing until it exits' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const { containerLogs } = await import('../../runtime/containers/lifecycle.js');
    await containerLogs(store, argv.container, argv.follow ?? false, (b) => ctx.out(b), (b) => process.stderr.write(b));
  },
});
