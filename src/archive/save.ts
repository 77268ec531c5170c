// `strata save IMAGE [--format docker|oci]`: an image as a tar, docker-archive by default (as
// docker and podman save) or an OCI image layout. Layers are their original uncompressed tars,
// replayed byte for byte from tar-split data, so every layer blob's sha256 is the diff_id recorded
// at import and the config blob is the stored one (same image id after a round trip). The output
// is a function of the image and the refs alone: fixed order, owners, modes and mtimes.

import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { StrataError, oneLine } from '../base/errors.js';
import { replayLayerTar } from '../import/tar-split.js';
import { unreadableFiles } from '../store/mapped-owners.js';
import { readImage, type Image } from '../store/images.js';
import { readLayerInfo } from '../store/layers.js';
import { withLease } from '../store/lease.js';
import { formatReference, parseReference } from '../store/reference.js';
import type { Store } from '../store/store.js';
import type { TarWriter, TarWriteEntry } from '../tar/writer.js';
import { tarOutput } from './tar-output.js';
import { blobName, dockerManifest, ociLayout, type MetadataFile, type SavedBlob } from './save-metadata.js';

export type ArchiveFormat = 'docker' | 'oci';

export interface SaveOptions {
  /** Default 'docker'. */
  readonly format?: ArchiveFormat;
  /** NAME[:TAG] references to record (RepoTags, or ref-name annotations). */
  readonly refs?: readonly string[];
}

const FILE = { type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 0 } as const;
const DIR = { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0 } as const;

/** Writes the archive to `out` (which it does not end), honouring backpressure. The image and its
 * layers are leased meanwhile, so a concurrent `rmi` or `prune` does not take them away. */
export async function saveImage(store: Store, imageId: string, out: Writable, options: SaveOptions = {}): Promise<void> {
  const refs = [...new Set((options.refs ?? []).map((r) => formatReference(parseReference(r))))];
  await withLease(store, async (lease) => {
    lease.add(imageId);
    const image = readImage(store, imageId);
    lease.add(...image.config.rootfs.diff_ids);
    await writeArchive(store, image, out, options.format ?? 'docker', refs);
  });
}

async function writeArchive(store: Store, image: Image, out: Writable, format: ArchiveFormat, refs: string[]): Promise<void> {
  const layers: SavedBlob[] = image.config.rootfs.diff_ids.map((diffId) => ({ digest: diffId, size: readLayerInfo(store, diffId).tarSize }));
  const config: SavedBlob = { digest: image.id, size: image.raw.length };
  const saved = { config, layers, refs };

  const small = new Map<string, Buffer>([[image.id, image.raw]]);
  let files: MetadataFile[];
  if (format === 'docker') {
    files = [dockerManifest(saved)];
  } else {
    const oci = ociLayout(saved);
    files = oci.files;
    small.set(oci.manifest.digest, oci.manifest.bytes);
  }
  // Every blob once (an image may list one layer twice, and layers are shared), sorted by name.
  const blobs = new Map<string, number>();
  for (const [digest, bytes] of small) blobs.set(digest, bytes.length);
  for (const l of layers) blobs.set(l.digest, l.size);

  const { tar, drained } = tarOutput(out);
  for (const f of files) tar.add({ ...FILE, name: f.name }, f.bytes);
  tar.add({ ...DIR, name: 'blobs/' });
  tar.add({ ...DIR, name: 'blobs/sha256/' });
  for (const digest of [...blobs.keys()].sort()) {
    const entry: TarWriteEntry = { ...FILE, name: blobName(digest), size: blobs.get(digest)! };
    const bytes = small.get(digest);
    if (bytes) tar.add(entry, bytes);
    else await writeLayer(store, tar, entry, digest, drained);
    await drained();
  }
  tar.finish();
  await drained();
}

/** Streams one layer's replayed tar and proves it is the layer: its sha256 must be the diff_id. */
async function writeLayer(store: Store, tar: TarWriter, entry: TarWriteEntry, diffId: string, drained: () => Promise<void>): Promise<void> {
  tar.beginEntry(entry);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of replayLayerTar(store.paths.layer(diffId), unreadableFiles(store))) {
      if (size + chunk.length > entry.size!) throw new Error(`more than the ${entry.size} bytes recorded`);
      hash.update(chunk);
      size += chunk.length;
      tar.write(chunk);
      await drained();
    }
    if (size !== entry.size) throw new Error(`${size} bytes, ${entry.size} recorded`);
  } catch (err) {
    throw new StrataError(`layer ${diffId} cannot be reproduced: ${oneLine(err)}`, { cause: err });
  }
  const actual = 'sha256:' + hash.digest('hex');
  if (actual !== diffId) throw new StrataError(`layer ${diffId} cannot be reproduced: its tar hashes to ${actual}`);
}
