// A lease names the layers and images an in-flight operation is about to reference, so a
// concurrent `rmi` or `prune` keeps them. It is written before the first layer is published and
// removed after the image record and tag are written; garbage collection reads leases *before*
// it reads images, so every id is covered by one or the other at every moment. A lease is
// replaced whole by each change (atomic.ts): one cut short by a kill would forget the layers its
// process had published, and the next command could not collect them (gc.ts, releaseDeadLeases).

import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { Store } from './types.js';
import { isAlive, ownedName, ownerOf } from './process-identity.js';

export interface Lease {
  /** Add ids (layer diff_ids or image ids) to the lease. */
  add(...ids: string[]): void;
  release(): void;
}

export function takeLease(store: Store): Lease {
  const path = join(store.paths.leases, ownedName());
  const ids = new Set<string>();
  const write = () => writeFileAtomic(store, path, JSON.stringify([...ids]), { durable: false });
  write();
  return {
    add(...more) {
      for (const id of more) ids.add(id);
      write();
    },
    release() {
      try {
        unlinkSync(path);
      } catch {
        // Already swept.
      }
    },
  };
}

export async function withLease<T>(store: Store, fn: (lease: Lease) => Promise<T> | T): Promise<T> {
  const lease = takeLease(store);
  try {
    return await fn(lease);
  } finally {
    lease.release();
  }
}

/** Every id held by a lease of a live process. */
export function leasedIds(store: Store): Set<string> {
  const out = new Set<string>();
  for (const name of readdirSync(store.paths.leases)) {
    if (!isAlive(ownerOf(name))) continue;
    try {
      for (const id of JSON.parse(readFileSync(join(store.paths.leases, name), 'utf8')) as string[]) out.add(id);
    } catch {
      // Released while we read it.
    }
  }
  return out;
}
