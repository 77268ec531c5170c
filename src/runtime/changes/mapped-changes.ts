// `commit` of a rootless container that made files only their mapped owners may read or enter (a
// home of mode 0700 for uid 1000, say): the caller cannot walk them on the host, so strata writes
// the layer tar again as root of the mapped user namespace (rootless/mapped-root.ts), as an
// internal job (app/internal-jobs.ts), and streams what it wrote. (Its writable layer for `diff` is read the same way:
// containers/mapped-layer.ts.)

import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createStagingDir, removeTree } from '../../store/staging.js';
import type { Store } from '../../store/store.js';
import type { ContainerRecord } from '../containers/records.js';
import { runJobMapped } from '../rootless/mapped-root.js';
import { containerLayerTar } from './container-layer-tar.js';

/** The container's layer tar for commit, written inside the namespace into staging, where image
 * owners are the namespace's own ids; undefined when it changed nothing. */
export async function containerLayerTarMapped(store: Store, rec: ContainerRecord): Promise<AsyncIterable<Buffer> | undefined> {
  const staging = createStagingDir(store);
  const file = join(staging, 'layer.tar');
  try {
    await runJobMapped(store, 'commit-layer', [rec.id, file]);
  } catch (err) {
    removeTree(staging);
    throw err;
  }
  if (!existsSync(file)) {
    removeTree(staging);
    return undefined;
  }
  return (async function* () {
    try {
      yield* createReadStream(file);
    } finally {
      removeTree(staging);
    }
  })();
}

/** The job's side: write the layer tar to `file` (nothing when it is empty). */
export async function writeContainerLayer(store: Store, rec: ContainerRecord, file: string): Promise<void> {
  const tar = await containerLayerTar(store, rec, (id) => id);
  if (tar) await pipeline(Readable.from(tar), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
}
