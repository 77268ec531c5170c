// `strata save IMAGE... [--format docker|oci]`: images as one tar, docker-archive by default (as
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
import { OutputBroken } from './output-file.js';
import { tarOutput } from './tar-output.js';
import { blobName, dockerManifest, ociLayout, type MetadataFile, type SavedImage } from './save-metadata.js';

export type ArchiveFormat = 'docker' | 'oci';

export interface SaveOptions {
  /** Default 'docker'. */
  readonly format?: ArchiveFormat;
}

/** One image to save and the NAME[:TAG] references to record for it (RepoTags, or ref-name
 * annotations): the ones the user gave, none when it was named by id. */
export interface SaveRequest {
  readonly id: string;
  readonly refs: readonly string[];
}

const FILE = { type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 0 } as const;
const DIR = { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0 } as const;

/** One image with its references. */
export async function saveImage(store: Store, imageId: string, out: Writable, options: SaveOptions & { refs?: readonly string[] } = {}): Promise<void> {
  await saveImages(store, [{ id: imageId, refs: options.refs ?? [] }], out, options);
}

/** Writes the images into one archive on `out` (which it does not end), honouring backpressure, as
 * `docker save A B` does: one entry per image in the order first given (an image given twice, by
 * two names, is one entry with both), each blob once. The images and their layers are leased
 * meanwhile, so a concurrent `rmi` or `prune` does not take them away. */
export async function saveImages(store: Store, requests: readonly SaveRequest[], out: Writable, options: SaveOptions = {}): Promise<void> {
  const refsById = new Map<string, string[]>();
  for (const r of requests) {
    const refs = refsById.get(r.id) ?? [];
    for (const ref of r.refs.map((t) => formatReference(parseReference(t)))) if (!refs.includes(ref)) refs.push(ref);
    refsById.set(r.id, refs);
  }
  await withLease(store, async (lease) => {
    const images: Image[] = [];
    for (const id of refsById.keys()) {
      lease.add(id);
      const image = readImage(store, id);
      lease.add(...image.config.rootfs.diff_ids);
      images.push(image);
    }
    await writeArchive(store, images.map((image) => ({ image, refs: refsById.get(image.id)! })), out, options.format ?? 'docker');
  });
}

async function writeArchive(store: Store, entries: { image: Image; refs: string[] }[], out: Writable, format: ArchiveFormat): Promise<void> {
  const small = new Map<string, Buffer>();
  const layerSizes = new Map<string, number>();
  const saved: SavedImage[] = entries.map(({ image, refs }) => {
    small.set(image.id, image.raw);
    const layers = image.config.rootfs.diff_ids.map((diffId) => {
      const size = layerSizes.get(diffId) ?? readLayerInfo(store, diffId).tarSize;
      layerSizes.set(diffId, size);
      return { digest: diffId, size };
    });
    return { config: { digest: image.id, size: image.raw.length }, layers, refs };
  });
  let files: MetadataFile[];
  if (format === 'docker') {
    files = [dockerManifest(saved)];
  } else {
    const oci = ociLayout(saved);
    files = oci.files;
    for (const m of oci.manifests) small.set(m.digest, m.bytes);
  }
  // Every blob once (an image may list one layer twice, and images share layers), sorted by name.
  const blobs = new Map<string, number>();
  for (const [digest, bytes] of small) blobs.set(digest, bytes.length);
  for (const [digest, size] of layerSizes) blobs.set(digest, size);

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
    // The output failing is not the layer failing: produceInto names the output.
    if (err instanceof OutputBroken) throw err;
    throw new StrataError(`layer ${diffId} cannot be reproduced: ${oneLine(err)}`, { cause: err });
  }
  const actual = 'sha256:' + hash.digest('hex');
  if (actual !== diffId) throw new StrataError(`layer ${diffId} cannot be reproduced: its tar hashes to ${actual}`);
}
