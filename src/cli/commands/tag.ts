import { defineCommand } from '../define.js';
import { withLease } from '../../store/lease.js';
import { resolveImage } from '../../store/lookup.js';
import { formatReference, parseReference } from '../../store/reference.js';
import { setTag } from '../../store/tags.js';
import { existsSync } from 'node:fs';
import { StrataError } from '../../base/errors.js';

export const tag = defineCommand({
  command: 'tag <source> <target>',
  describe: 'Give an image another name',
  builder: (y) => y
    .positional('source', { type: 'string', demandOption: true, describe: 'NAME[:TAG] or image id' })
    .positional('target', { type: 'string', demandOption: true, describe: 'NAME[:TAG]' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const target = formatReference(parseReference(argv.target));
    await withLease(store, (lease) => {
      const image = resolveImage(store, argv.source);
      lease.add(image.id);
      // Re-check under the lease: a concurrent rmi may have removed it between the two steps.
      if (!existsSync(store.paths.image(image.id))) throw new StrataError(`image "${argv.source}" was removed meanwhile`);
      setTag(store, target, image.id);
    });
  },
});
