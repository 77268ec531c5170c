// A lease names the layers and images an in-flight operation is about to reference, so a
// concurrent `rmi` or `prune` keeps them. It is written before the first layer is published and
// removed after the image record and tag are written; garbage collection reads leases *before*
// it reads images, so every id is covered by one or the other at every moment.

import { readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Store } from './store.js';
import { isAlive, ownIdentity } from './process-identity.js';

export interface Lease {
  /** Add ids (layer diff_ids or image ids) to the lease. */
  add(...ids: string[]): void;
  release(): void;
}

export function takeLease(store: Store): Lease {
  const path = join(store.paths.leases, `${ownIdentity()}.${randomBytes(6).toString('hex')}`);
  const ids = new Set<string>();
  const write = () => writeFileSync(path, JSON.stringify([...ids]), { mode: 0o600 });
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
    const owner = name.split('.').slice(0, 2).join('.');
    if (!isAlive(owner)) continue;
    try {
      for (const id of JSON.parse(readFileSync(join(store.paths.leases, name), 'utf8')) as string[]) out.add(id);
    } catch {
      // Released while we read it.
    }
  }
  return out;
}
