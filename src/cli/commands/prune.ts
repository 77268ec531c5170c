import { defineCommand } from '../define.js';
import { humanSize } from '../format.js';
import { prune as pruneStore } from '../../store/gc.js';

export const prune = defineCommand({
  command: 'prune',
  describe: 'Remove images without a tag and layers no image uses; print the space freed',
  builder: (y) => y,
  run: async (ctx) => {
    const report = await pruneStore(await ctx.store());
    if (ctx.json) return ctx.jsonLine(report);
    ctx.out([...report.deletedImages.map((i) => `Deleted: ${i}\n`), `Total reclaimed space: ${humanSize(report.bytesFreed)}\n`].join(''));
  },
});
