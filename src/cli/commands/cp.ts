// `strata cp CONTAINER:PATH HOSTPATH|-` and `strata cp HOSTPATH|- CONTAINER:PATH`.

import { defineCommand } from '../define.js';

export const cp = defineCommand({
  command: 'cp <source> <destination>',
  describe: 'Copy files between a container and the host: cp CONTAINER:PATH HOSTPATH|-, cp HOSTPATH|- CONTAINER:PATH',
  builder: (y) => y
    .positional('source', { type: 'string', demandOption: true, describe: 'CONTAINER:PATH, or a host path (- for a tar on stdin)' })
    .positional('destination', { type: 'string', demandOption: true, describe: 'A host path (- for a tar on stdout) or CONTAINER:PATH' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    if (store.mapped) {
      // Rootless with subordinate ids, a container holds files only their mapped owners may read
      // or write: the copy is made as root of that user namespace (runtime/mapped-root.ts).
      const { rerunMapped } = await import('../../runtime/mapped-root.js');
      process.exitCode = await rerunMapped(store, ['cp', argv.source, argv.destination], { stdin: argv.source === '-' });
      return;
    }
    const { copyFiles } = await import('../../runtime/copy-files.js');
    await copyFiles(store, argv.source, argv.destination, {
      warn: (line) => process.stderr.write(`${line}\n`),
      stdout: (chunk) => ctx.out(chunk),
      stdin: () => process.stdin,
    });
  },
});
