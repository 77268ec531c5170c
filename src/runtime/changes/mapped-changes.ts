// A rootless container's writable layer where the container made files only their mapped owners
// may read or enter (a home of mode 0700 for uid 1000, say): the caller cannot walk them on the
// host, so strata does the work again as root of the mapped user namespace (mapped-root.ts),
// through hidden commands. `diff` reads the index one prints (owners come back as the host sees
// them, as a walk from outside gives them); `commit` streams the layer tar another writes.

import { parseIndex, serializeIndex, type IndexEntry, type LayerIndex } from '../../base/layer-index.js';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createStagingDir, removeTree } from '../../store/staging.js';
import type { Store } from '../../store/store.js';
import type { ContainerRecord } from '../containers/records.js';
import { runSelfMapped } from '../rootless/mapped-root.js';

// The hidden commands (cli/commands/lifecycle.ts).
const WRITABLE_LAYER_COMMAND = '__writable-layer';
const COMMIT_LAYER_COMMAND = '__commit-layer';

export async function writableLayerMapped(store: Store, rec: ContainerRecord): Promise<LayerIndex> {
  const inside = parseIndex((await runSelfMapped(store, [WRITABLE_LAYER_COMMAND, rec.id])).toString('latin1'));
  const mapped = store.mapped!;
  const entries = new Map<IndexEntry['path'], IndexEntry>();
  for (const [path, e] of inside.entries) {
    entries.set(path, { ...e, uid: mapped.hostUid(e.uid) ?? e.uid, gid: mapped.hostGid(e.gid) ?? e.gid });
  }
  return { entries, whiteouts: inside.whiteouts, opaque: inside.opaque };
}

/** The hidden command's output: the index, as layer indexes are stored. */
export function printableIndex(index: LayerIndex): Buffer {
  return Buffer.from(serializeIndex(index), 'latin1');
}

/** The container's layer tar for commit, written inside the namespace into staging, where image
 * owners are the namespace's own ids; undefined when it changed nothing. */
export async function containerLayerTarMapped(store: Store, rec: ContainerRecord): Promise<AsyncIterable<Buffer> | undefined> {
  const staging = createStagingDir(store);
  const file = join(staging, 'layer.tar');
  try {
    await runSelfMapped(store, [COMMIT_LAYER_COMMAND, rec.id, file]);
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

/** The hidden command's side: write the layer tar to `file` (nothing when it is empty). */
export async function writeContainerLayer(store: Store, rec: ContainerRecord, file: string): Promise<void> {
  const { containerLayerTar } = await import('./commit.js');
  const tar = await containerLayerTar(store, rec, (id) => id);
  if (tar) await pipeline(Readable.from(tar), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
}
