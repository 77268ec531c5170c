import { defineCommand } from '../define.js';
import { removeImages } from '../../store/gc.js';

export const rmi = defineCommand({
  command: 'rmi <image..>',
  describe: 'Remove images (a tag; the image when no tag is left; its unused layers)',
  builder: (y) => y
    .positional('image', { type: 'string', array: true, demandOption: true })
    .option('force', { alias: 'f', type: 'boolean', describe: 'Remove an image by id even when it has several tags' }),
  run: async (ctx, argv) => {
    const report = await removeImages(await ctx.store(), argv.image, { force: argv.force ?? false });
    if (ctx.json) return ctx.jsonLine(report);
    ctx.out([...report.untagged.map((r) => `Untagged: ${r}\n`), ...report.deletedImages.map((i) => `Deleted: ${i}\n`)].join(''));
  },
});
