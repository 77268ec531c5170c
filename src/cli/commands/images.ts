// `strata images [REPOSITORY[:TAG]]`, as Docker's: newest first, one row per tag (an image
// without one is <none>:<none>; --digests: one per registry manifest digest too), --filter
// reference= dangling= label= before= since=, and the list forms of list-output.ts.

import { defineCommand } from '../define.js';
import { goTime, humanSize, shortId, timeAgo } from '../../base/format.js';
import { FORMAT_OPTION, checkFormat, printList, type ListSpec } from '../list-output.js';
import { filterBoolean, globMatch, matchesAll, parseFilters } from '../list-filters.js';
import { listImageIds, readImage } from '../../store/images.js';
import { imageSize } from '../../store/image-size.js';
import { resolveImage } from '../../store/lookup.js';
import { listTags } from '../../store/tags.js';
import { listRepoDigests } from '../../store/repo-digests.js';

interface Row {
  readonly id: string;
  readonly repository: string;
  readonly tag: string;
  readonly created: string;
  readonly size: number;
  readonly labels: Readonly<Record<string, string>>;
  /** With --digests: the registry manifest digest of this repository's image, if it has one. */
  readonly digest?: string;
}

/** --no-trunc: full ids ("sha256:…"), as Docker's. */
const imagesSpec = (trunc: boolean, digests: boolean): ListSpec<Row> => {
  const id = (r: Row) => (trunc ? shortId(r.id) : r.id);
  return {
    fields: ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize'],
    headers: { ID: 'IMAGE ID', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE' },
    row: (r) => ({
      Containers: 'N/A', CreatedAt: goTime(r.created), CreatedSince: timeAgo(r.created), Digest: r.digest ?? '<none>', ID: id(r),
      Repository: r.repository, SharedSize: 'N/A', Size: humanSize(r.size), Tag: r.tag, UniqueSize: 'N/A', VirtualSize: humanSize(r.size),
    }),
    columns: digests ? ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'] : ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
    cells: (r) => [r.repository, r.tag, ...(digests ? [r.digest ?? '<none>'] : []), id(r), timeAgo(r.created), humanSize(r.size)],
    id,
  };
};

const FILTERS = ['reference', 'dangling', 'label', 'before', 'since'];

export const images = defineCommand({
  command: 'images [reference]',
  describe: 'List images (REPOSITORY or REPOSITORY:TAG: those alone)',
  builder: (y) => y
    .positional('reference', { type: 'string', describe: 'REPOSITORY[:TAG]' })
    .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'reference=GLOB, dangling=true|false, label=KEY[=VALUE], before=IMAGE, since=IMAGE' })
    .option('trunc', { type: 'boolean', default: true, describe: 'Cut ids to 12 digits (--no-trunc: do not)' })
    .option('digests', { type: 'boolean', describe: 'Show the registry manifest digest of each (RepoDigests: pulled or pushed images)' })
    .option('format', FORMAT_OPTION),
  run: async (ctx, argv) => {
    const spec = imagesSpec(argv.trunc, argv.digests ?? false);
    checkFormat(argv.format, spec);
    const filters = parseFilters(argv.filter, FILTERS);
    for (const v of filters.get('dangling') ?? []) filterBoolean('dangling', v);
    const store = await ctx.store();
    // before= and since= name images; their times are the bounds.
    const bounds = new Map([...(filters.get('before') ?? []), ...(filters.get('since') ?? [])].map((ref) => [ref, resolveImage(store, ref).config.created ?? '']));
    const byImage = new Map<string, string[]>();
    for (const [ref, id] of listTags(store)) byImage.set(id, [...(byImage.get(id) ?? []), ref]);
    const digestsOf = new Map<string, { name: string; digest: string }[]>();
    if (argv.digests) {
      for (const [ref, id] of listRepoDigests(store)) {
        const at = ref.indexOf('@');
        digestsOf.set(id, [...(digestsOf.get(id) ?? []), { name: ref.slice(0, at), digest: ref.slice(at + 1) }]);
      }
    }
    const rows: Row[] = [];
    for (const id of listImageIds(store)) {
      const image = readImage(store, id);
      const size = imageSize(store, image.config.rootfs.diff_ids);
      const labels = image.config.config?.Labels ?? {};
      const refs = byImage.get(id) ?? [];
      const digests = digestsOf.get(id) ?? [];
      // A RepoDigest whose name no tag of the image has is a row of its own (pulled by digest).
      const names = [...refs, ...digests.filter((d) => !refs.some((r) => r.slice(0, r.lastIndexOf(':')) === d.name)).map((d) => `${d.name}:<none>`)];
      if (names.length === 0) names.push('<none>:<none>');
      for (const ref of names) {
        const colon = ref.lastIndexOf(':');
        const repository = ref.slice(0, colon);
        const base: Row = { id, repository, tag: ref.slice(colon + 1), created: image.config.created ?? '', size, labels };
        const found = digests.filter((d) => d.name === repository).map((d) => d.digest).sort();
        if (found.length === 0) rows.push(base);
        for (const digest of found) rows.push({ ...base, digest });
      }
    }
    const wanted = rows.filter((r) => matchesReference(argv.reference, r) && matchesAll(filters, (key, value) => {
      switch (key) {
        case 'reference': return globMatch(value, r.repository) || globMatch(value, `${r.repository}:${r.tag}`);
        case 'dangling': return filterBoolean(key, value) === (r.repository === '<none>');
        case 'label': {
          const eq = value.indexOf('=');
          return eq < 0 ? value in r.labels : r.labels[value.slice(0, eq)] === value.slice(eq + 1);
        }
        case 'before': return r.created < bounds.get(value)!;
        case 'since': return r.created > bounds.get(value)!;
        default: return false;
      }
    }));
    wanted.sort((a, b) => b.created.localeCompare(a.created) || a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
    printList(ctx, argv.format, wanted, spec);
  },
});

/** `images busybox`: every tag of busybox; `images busybox:1.36`: that one. */
function matchesReference(reference: string | undefined, r: Row): boolean {
  if (reference === undefined) return true;
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return `${r.repository}:${r.tag}` === reference;
  return r.repository === reference;
}
