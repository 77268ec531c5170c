import { defineCommand } from '../define.js';
import { progressReporter } from '../progress.js';

export const importCommand = defineCommand({
  command: 'import <file> [name]',
  describe: 'Import a rootfs tarball (.tar, .tar.gz, .tar.xz, .tar.zst; - for stdin) as a one-layer image',
  builder: (y) => y
    .positional('file', { type: 'string', demandOption: true, describe: 'Tarball path, or - for stdin' })
    .positional('name', { type: 'string', describe: 'NAME[:TAG]' })
    .option('change', { alias: 'c', type: 'string', array: true, describe: "Apply a Dockerfile instruction to the config, e.g. 'CMD [\"sh\"]'" })
    .option('message', { alias: 'm', type: 'string', describe: 'Commit message for the history' }),
  run: async (ctx, argv) => {
    const { importRootfs } = await import('../../store/import-rootfs.js');
    const store = await ctx.store();
    const progress = progressReporter('Importing');
    try {
      const image = await importRootfs(store, argv.file, {
        ...(argv.name !== undefined ? { ref: argv.name } : {}),
        ...(argv.change ? { changes: argv.change } : {}),
        ...(argv.message !== undefined ? { message: argv.message } : {}),
        ...(progress ? { onProgress: progress.update } : {}),
      });
      progress?.done();
      ctx.out(ctx.json ? JSON.stringify({ id: image.id }) + '\n' : image.id + '\n');
    } catch (err) {
      progress?.done();
      throw err;
    }
  },
});
