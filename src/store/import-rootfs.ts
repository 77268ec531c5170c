// `strata import`: a rootfs tarball becomes a one-layer image.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { StrataError } from '../base/errors.js';
import { openTarSource } from '../import/decompress.js';
import { applyChanges } from './config-changes.js';
import { hostArchitecture, type ImageConfig } from './image-config.js';
import { encodeConfig, writeImage, type Image } from './images.js';
import { addLayer, readLayerInfo, retainLayer, type LayerInfo } from './layers.js';
import { withLease, type Lease } from './lease.js';
import { formatReference, parseReference } from './reference.js';
import { digestByStat, hashFile, knownSize, knownSource, rememberSource, rememberStat, statKey } from './sources.js';
import type { Store } from './types.js';
import { setTag } from './tags.js';

export interface ImportOptions {
  /** NAME[:TAG] to tag the image with. */
  readonly ref?: string;
  readonly changes?: readonly string[];
  readonly message?: string;
  readonly onProgress?: (bytes: number, entries: number) => void;
}

/** Import FILE (or "-" for stdin). Returns the image. */
export async function importRootfs(store: Store, file: string, options: ImportOptions = {}): Promise<Image> {
  // Validate everything the user typed before any work, so a typo costs nothing.
  const ref = options.ref === undefined ? undefined : formatReference(parseReference(options.ref));
  const config0 = applyChanges({}, options.changes ?? []);
  return withLease(store, async (lease) => {
    const layer = (file !== '-' && (await reimported(store, file, lease))) || (await unpackTarball(store, file, lease, options));
    const config: ImageConfig = {
      // The layer's first publication time, not "now": importing the same content with the
      // same options again gives the same image id and stores nothing new.
      created: layer.created,
      architecture: hostArchitecture(),
      os: 'linux',
      config: config0,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{
        created: layer.created,
        created_by: `strata import ${file === '-' ? '-' : basename(file)}`,
        ...(options.message ? { comment: options.message } : {}),
      }],
    };
    const image = writeImage(store, encodeConfig(config));
    lease.add(image.id);
    if (ref) setTag(store, ref, image.id);
    return image;
  });
}

async function reimported(store: Store, file: string, lease: Lease): Promise<LayerInfo | undefined> {
  const st = statOf(file);
  if (!st.isFile() || !knownSize(store, st.size)) return undefined;
  const key = statKey(file);
  const cached = key === undefined ? undefined : digestByStat(store, key);
  const diffId = (cached && knownSource(store, st.size, cached)) || knownSource(store, st.size, hashFile(file));
  if (!diffId) return undefined;
  return (await retainLayer(store, lease, diffId)) ? readLayerInfo(store, diffId) : undefined;
}

async function unpackTarball(store: Store, file: string, lease: Lease, options: ImportOptions): Promise<LayerInfo> {
  if (file !== '-') statOf(file);
  const key = file === '-' ? undefined : statKey(file);
  const source = await openTarSource(file);
  const layer = await addLayer(store, source.chunks, lease, options.onProgress ? { onProgress: options.onProgress } : {});
  rememberSource(store, source.rawSize(), source.sourceDigest(), layer.diffId);
  // Keyed by the stat taken before reading: a file changed meanwhile gets a new ctime, so this
  // entry can never vouch for bytes that were not the ones hashed.
  if (key !== undefined && statKey(file) === key) rememberStat(store, key, source.sourceDigest());
  return layer;
}

function statOf(file: string) {
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new StrataError(`${file}: is a directory, not a tarball`);
    return st;
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError(`cannot read ${file}`, { cause: err });
  }
}
