// A docker-archive (`docker save`, `skopeo copy … docker-archive:`): manifest.json lists each
// image's config file, its RepoTags and its layer tars, base first. Member names in it are
// untrusted paths inside the archive; layers are checked against the config's diff_ids by the
// loader, and a member named by its digest (blobs/sha256/<hex>, <hex>.json) is checked against it.

import { StrataError } from '../base/errors.js';
import { memberName, type Archive } from './archive-reader.js';
import { parseJson, readBlob } from './blob-read.js';
import { digestInMemberName, type ArchivePlan, type BlobRef } from './image-plan.js';

export function isDockerArchive(archive: Archive): boolean {
  return archive.size('manifest.json') !== undefined;
}

export async function planDockerArchive(archive: Archive): Promise<ArchivePlan> {
  const doc = parseJson(await readBlob(archive, { member: 'manifest.json' }, 'manifest.json'), 'manifest.json');
  if (!Array.isArray(doc) || doc.length === 0) throw new StrataError('manifest.json lists no image');
  const images = doc.map((raw, i) => {
    const what = `manifest.json entry ${i + 1}`;
    if (typeof raw !== 'object' || raw === null) throw new StrataError(`${what} is not an object`);
    const entry = raw as Record<string, unknown>;
    if (!Array.isArray(entry.Layers)) throw new StrataError(`${what} has no Layers list`);
    const tags = entry.RepoTags ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new StrataError(`${what} has malformed RepoTags`);
    return {
      what,
      config: blobRef(entry.Config, `${what} Config`),
      layers: entry.Layers.map((l, j) => blobRef(l, `${what} Layers[${j}]`)),
      names: (tags as string[]).map((text) => ({ text, mayBeBareTag: false })),
    };
  });
  return { format: 'docker', images, otherPlatforms: [] };
}

function blobRef(unsafeName: unknown, what: string): BlobRef {
  const member = typeof unsafeName === 'string' ? memberName(unsafeName) : undefined;
  if (member === undefined) throw new StrataError(`${what} is not a path inside the archive: ${JSON.stringify(unsafeName)}`);
  const digest = digestInMemberName(member);
  return digest === undefined ? { member } : { member, digest };
}
