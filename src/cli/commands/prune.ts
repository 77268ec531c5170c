import { defineCommand } from '../define.js';
import { humanSize } from '../../base/format.js';
import { prune as pruneStore } from '../../store/gc.js';

export const prune = defineCommand({
  command: 'prune',
  describe: 'Remove images without a tag and layers no image uses (-a: stopped containers first); print the space freed',
  builder: (y) => y
    .option('all', { alias: 'a', type: 'boolean', describe: 'Also remove stopped containers, and then what only they held' })
    .option('build-cache', { type: 'boolean', describe: 'Also remove the build cache (its entries and RUN cache mounts), and then the layers only it named' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const containers = argv.all ? await (await import('../../runtime/containers/prune.js')).pruneContainers(store) : { deletedContainers: [], bytesFreed: 0 };
    const report = await pruneStore(store, { buildCache: argv.buildCache === true });
    const bytesFreed = report.bytesFreed + containers.bytesFreed;
    if (ctx.json) return ctx.jsonLine({ ...report, deletedContainers: containers.deletedContainers, bytesFreed });
    ctx.out([
      ...containers.deletedContainers.map((id) => `Deleted container: ${id}\n`),
      ...report.deletedImages.map((i) => `Deleted: ${i}\n`),
      `Total reclaimed space: ${humanSize(bytesFreed)}\n`,
    ].join(''));
  },
});
