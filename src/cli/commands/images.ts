import { defineCommand } from '../define.js';
import { humanSize, shortId, timeAgo } from '../../base/format.js';
import { table } from '../format.js';
import { listImageIds, readImage } from '../../store/images.js';
import { imageSize } from '../../store/image-size.js';
import { listTags } from '../../store/tags.js';
import { listRepoDigests } from '../../store/repo-digests.js';

export const images = defineCommand({
  command: 'images',
  describe: 'List images',
  builder: (y) => y.option('digests', { type: 'boolean', describe: 'Show the registry manifest digest of each (RepoDigests: pulled or pushed images)' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const byImage = new Map<string, string[]>();
    for (const [ref, id] of listTags(store)) byImage.set(id, [...(byImage.get(id) ?? []), ref]);
    const digestsOf = new Map<string, { name: string; digest: string }[]>();
    if (argv.digests) {
      for (const [ref, id] of listRepoDigests(store)) {
        const at = ref.indexOf('@');
        digestsOf.set(id, [...(digestsOf.get(id) ?? []), { name: ref.slice(0, at), digest: ref.slice(at + 1) }]);
      }
    }
    const rows = [];
    for (const id of listImageIds(store)) {
      const image = readImage(store, id);
      const size = imageSize(store, image.config.rootfs.diff_ids);
      const refs = byImage.get(id) ?? [];
      const digests = digestsOf.get(id) ?? [];
      // A RepoDigest whose name no tag of the image has is a row of its own (pulled by digest).
      const names = [...refs, ...digests.filter((d) => !refs.some((r) => r.slice(0, r.lastIndexOf(':')) === d.name)).map((d) => `${d.name}:<none>`)];
      if (names.length === 0) names.push('<none>:<none>');
      for (const ref of names) {
        const colon = ref.lastIndexOf(':');
        const repository = ref.slice(0, colon);
        const base = { id, repository, tag: ref.slice(colon + 1), created: image.config.created ?? '', size, layers: image.config.rootfs.diff_ids.length };
        if (!argv.digests) {
          rows.push(base);
          continue;
        }
        const found = digests.filter((d) => d.name === repository).map((d) => d.digest).sort();
        if (found.length === 0) rows.push(base);
        for (const digest of found) rows.push({ ...base, digest });
      }
    }
    rows.sort((a, b) => b.created.localeCompare(a.created) || a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
    if (ctx.json) return rows.forEach((r) => ctx.jsonLine(r));
    if (ctx.quiet) return ctx.out([...new Set(rows.map((r) => shortId(r.id)))].map((i) => i + '\n').join(''));
    if (argv.digests) {
      return ctx.out(table(['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'],
        rows.map((r) => [r.repository, r.tag, 'digest' in r ? String(r.digest) : '<none>', shortId(r.id), timeAgo(r.created), humanSize(r.size)])));
    }
    ctx.out(table(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
      rows.map((r) => [r.repository, r.tag, shortId(r.id), timeAgo(r.created), humanSize(r.size)])));
  },
});
