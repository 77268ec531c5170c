// A rootless container's writable layer where the container made files only their mapped owners
// may read or enter (a home of mode 0700 for uid 1000, say): the caller cannot walk them on the
// host, so strata reads the layer again as root of the mapped user namespace
// (rootless/mapped-root.ts), as an internal job (app/internal-jobs.ts), and takes the index it prints (owners come
// back as the host sees them, as a walk from outside gives them). (`commit` writes its layer tar
// the same way: changes/mapped-changes.ts.)

import { parseIndex, serializeIndex, type IndexEntry, type LayerIndex } from '../../base/layer-index.js';
import type { Store } from '../../store/store.js';
import { runJobMapped } from '../rootless/mapped-root.js';
import type { ContainerRecord } from './records.js';

export async function writableLayerMapped(store: Store, rec: ContainerRecord): Promise<LayerIndex> {
  const inside = parseIndex((await runJobMapped(store, 'writable-layer', [rec.id])).toString('latin1'));
  const mapped = store.mapped!;
  const entries = new Map<IndexEntry['path'], IndexEntry>();
  for (const [path, e] of inside.entries) {
    entries.set(path, { ...e, uid: mapped.hostUid(e.uid) ?? e.uid, gid: mapped.hostGid(e.gid) ?? e.gid });
  }
  return { entries, whiteouts: inside.whiteouts, opaque: inside.opaque };
}

/** The job's output: the index, as layer indexes are stored. */
export function printableIndex(index: LayerIndex): Buffer {
  return Buffer.from(serializeIndex(index), 'latin1');
}
