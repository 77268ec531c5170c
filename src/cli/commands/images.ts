import { defineCommand } from '../define.js';
import { humanSize, shortId, timeAgo } from '../../base/format.js';
import { table } from '../format.js';
import { listImageIds, readImage } from '../../store/images.js';
import { imageSize } from '../../store/image-size.js';
import { listTags } from '../../store/tags.js';

export const images = defineCommand({
  command: 'images',
  describe: 'List images',
  builder: (y) => y,
  run: async (ctx) => {
    const store = await ctx.store();
    const byImage = new Map<string, string[]>();
    for (const [ref, id] of listTags(store)) byImage.set(id, [...(byImage.get(id) ?? []), ref]);
    const rows = [];
    for (const id of listImageIds(store)) {
      const image = readImage(store, id);
      const size = imageSize(store, image.config.rootfs.diff_ids);
      const refs = byImage.get(id) ?? ['<none>:<none>'];
      for (const ref of refs) {
        const colon = ref.lastIndexOf(':');
        rows.push({ id, repository: ref.slice(0, colon), tag: ref.slice(colon + 1), created: image.config.created ?? '', size, layers: image.config.rootfs.diff_ids.length });
      }
    }
    rows.sort((a, b) => b.created.localeCompare(a.created) || a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
    if (ctx.json) return rows.forEach((r) => ctx.jsonLine(r));
    if (ctx.quiet) return ctx.out([...new Set(rows.map((r) => shortId(r.id)))].map((i) => i + '\n').join(''));
    ctx.out(table(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
      rows.map((r) => [r.repository, r.tag, shortId(r.id), timeAgo(r.created), humanSize(r.size)])));
  },
});
