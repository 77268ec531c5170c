import { defineCommand } from '../define.js';
import { jsonText } from '../../base/terminal-text.js';
import { imageSize } from '../../store/image-size.js';
import { resolveImage } from '../../store/lookup.js';
import { listTags } from '../../store/tags.js';

export const inspect = defineCommand({
  command: 'inspect <ref..>',
  describe: 'Show the full record of images, as JSON',
  builder: (y) => y.positional('ref', { type: 'string', array: true, demandOption: true }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const tags = [...listTags(store)];
    const records = argv.ref.map((text) => {
      const image = resolveImage(store, text);
      const c = image.config;
      return {
        Id: image.id,
        RepoTags: tags.filter(([, id]) => id === image.id).map(([ref]) => ref),
        Created: c.created,
        Author: c.author,
        Architecture: c.architecture,
        Os: c.os,
        Config: c.config ?? {},
        RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
        Size: imageSize(store, c.rootfs.diff_ids),
        History: c.history ?? [],
      };
    });
    if (ctx.json) return records.forEach((r) => ctx.jsonLine(r));
    ctx.out(jsonText(records, 4) + '\n');
  },
});
