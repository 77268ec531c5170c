// `prune -a`: stopped containers go (with `remove.ts`, as `rm` removes them), before the store's
// own collection, so the images and layers only they held go with it. A container whose owner —
// the strata process that runs it — is alive is kept whatever its record says: it is being
// created, started, or finished right now.

import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../../base/errors.js';
import { isAlive } from '../../store/process-identity.js';
import type { Store } from '../../store/store.js';
import { containerDir, effectiveRecord, listContainers } from './records.js';
import { removeContainer } from './remove.js';

export interface ContainerPruneReport {
  readonly deletedContainers: string[];
  /** Bytes of the files the removed containers held (their writable layers, logs). */
  readonly bytesFreed: number;
}

export async function pruneContainers(store: Store): Promise<ContainerPruneReport> {
  const deletedContainers: string[] = [];
  let bytesFreed = 0;
  for (const rec of listContainers(store)) {
    if (effectiveRecord(rec).state === 'running' || (rec.owner !== undefined && isAlive(rec.owner))) continue;
    const bytes = treeSize(containerDir(store, rec.id));
    try {
      await removeContainer(store, rec.id, { force: false });
    } catch (err) {
      // Started again meanwhile: it stays.
      if (err instanceof StrataError) continue;
      throw err;
    }
    deletedContainers.push(rec.id);
    bytesFreed += bytes;
  }
  return { deletedContainers, bytesFreed };
}

function treeSize(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const path = join(dir, name);
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st === undefined) continue;
    total += st.isDirectory() ? treeSize(path) : st.isFile() ? st.size : 0;
  }
  return total;
}
