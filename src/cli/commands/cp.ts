// `strata cp CONTAINER:PATH HOSTPATH|-` and `strata cp HOSTPATH|- CONTAINER:PATH`.

import { printable } from '../../base/errors.js';
import { defineCommand } from '../define.js';

export const cp = defineCommand({
  command: 'cp <source> <destination>',
  describe: 'Copy files between a container and the host: cp CONTAINER:PATH HOSTPATH|-, cp HOSTPATH|- CONTAINER:PATH',
  builder: (y) => y
    .positional('source', { type: 'string', demandOption: true, describe: 'CONTAINER:PATH, or a host path (- for a tar on stdin)' })
    .positional('destination', { type: 'string', demandOption: true, describe: 'A host path (- for a tar on stdout) or CONTAINER:PATH' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const { copyFiles, copyFilesAsMappedRoot } = await import('../../runtime/changes/copy-files.js');
    if (store.mapped) {
      process.exitCode = await copyFilesAsMappedRoot(store, argv.source, argv.destination);
      return;
    }
    await copyFiles(store, argv.source, argv.destination, {
      warn: (line) => process.stderr.write(`${printable(line)}\n`),
      stdout: (chunk) => ctx.out(chunk),
      stdin: () => process.stdin,
    });
  },
});
