// Moving images in and out as files: load (OCI layout or docker-archive), save, export.

import { resolveImage } from '../../store/lookup.js';
import { listTags } from '../../store/tags.js';
import { defineCommand } from '../define.js';
import { writeOutput } from '../output-file.js';
import { progressReporter } from '../progress.js';

export const load = defineCommand({
  command: 'load <path> [name]',
  describe: 'Load images from an OCI image layout (directory or tar) or a docker-archive',
  builder: (y) => y
    .positional('path', { type: 'string', demandOption: true })
    .positional('name', { type: 'string', describe: 'NAME[:TAG] for bare-tag or unnamed images' }),
  run: async (ctx, argv) => {
    const { loadArchive } = await import('../../archive/load.js');
    const progress = progressReporter('Loading');
    try {
      const loaded = await loadArchive(await ctx.store(), argv.path, {
        ...(argv.name !== undefined ? { name: argv.name } : {}),
        ...(progress ? { onProgress: progress.update } : {}),
      });
      progress?.done();
      for (const image of loaded) {
        if (ctx.json) ctx.jsonLine(image);
        else if (image.refs.length === 0) ctx.out(`Loaded image ID: ${image.id}\n`);
        else ctx.out(image.refs.map((r) => `Loaded image: ${r}\n`).join(''));
      }
    } catch (err) {
      progress?.done();
      throw err;
    }
  },
});

export const save = defineCommand({
  command: 'save <image>',
  describe: 'Write an image as a docker-archive (default) or an OCI layout tar',
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true })
    .option('output', { alias: 'o', type: 'string', describe: 'File to write (default: stdout)' })
    .option('format', { choices: ['docker', 'oci'] as const, default: 'docker' as const }),
  run: async (ctx, argv) => {
    const { saveImage } = await import('../../archive/save.js');
    const store = await ctx.store();
    const image = resolveImage(store, argv.image);
    const refs = [...listTags(store)].filter(([, id]) => id === image.id).map(([ref]) => ref);
    await writeOutput(argv.output, (out) => saveImage(store, image.id, out, { format: argv.format, refs }));
  },
});

export const exportCommand = defineCommand({
  command: 'export <ref>',
  describe: 'Write the merged filesystem of an image as one flattened tar',
  builder: (y) => y
    .positional('ref', { type: 'string', demandOption: true })
    .option('output', { alias: 'o', type: 'string', describe: 'File to write (default: stdout)' }),
  run: async (ctx, argv) => {
    const { exportFlattened } = await import('../../archive/export.js');
    const store = await ctx.store();
    const image = resolveImage(store, argv.ref);
    await writeOutput(argv.output, (out) => exportFlattened(store, image.config.rootfs.diff_ids, out));
  },
});
