import { tagImage } from '../../store/tag-image.js';
import { defineCommand } from '../define.js';

export const tag = defineCommand({
  command: 'tag <source> <target>',
  describe: 'Give an image another name',
  builder: (y) => y
    .positional('source', { type: 'string', demandOption: true, describe: 'NAME[:TAG] or image id' })
    .positional('target', { type: 'string', demandOption: true, describe: 'NAME[:TAG]' }),
  run: async (ctx, argv) => tagImage(await ctx.store(), argv.source, argv.target),
});
