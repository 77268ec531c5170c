// `strata commit CTR [NAME[:TAG]]`: a container's changes become a new image; prints its id.

import { defineCommand } from '../define.js';

export const commit = defineCommand({
  command: 'commit <container> [name]',
  describe: "Make a new image from a container's changes; prints the image id",
  builder: (y) => y
    .positional('container', { type: 'string', demandOption: true, describe: 'Container name or id' })
    .positional('name', { type: 'string', describe: 'NAME[:TAG] for the new image' })
    .option('message', { alias: 'm', type: 'string', requiresArg: true, describe: 'Commit message (the history comment)' })
    .option('author', { alias: 'a', type: 'string', requiresArg: true, describe: 'Author of the image' })
    .option('change', { alias: 'c', type: 'string', array: true, nargs: 1, requiresArg: true, describe: "Apply a Dockerfile instruction to the config, e.g. 'CMD [\"sh\"]'" })
    .option('pause', { alias: 'p', type: 'boolean', default: true, describe: 'Pause a running container while its files are read (--pause=false: read it running; no pause without a cgroup, e.g. rootless)' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const { commitContainer } = await import('../../runtime/changes/commit.js');
    const image = await commitContainer(store, argv.container, {
      ...(argv.name !== undefined ? { ref: argv.name } : {}),
      ...(argv.message !== undefined ? { message: argv.message } : {}),
      ...(argv.author !== undefined ? { author: argv.author } : {}),
      ...(argv.change ? { changes: argv.change } : {}),
      pause: argv.pause,
    });
    ctx.out(ctx.json ? `${JSON.stringify({ id: image.id })}\n` : `${image.id}\n`);
  },
});
