// A short exclusive section between strata processes (garbage collection, a container's pause).
// The lock file holds its owner's identity from its first moment (createFileAtomic), so one left
// by a dead process is known for what it is and broken — by the next process that wants it, and
// by the next command's sweep (store.ts); an empty one, which only a strata that wrote it in place
// could leave, names no live owner either. Waiting is a polling loop: these sections last
// milliseconds.

import { linkSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../base/errors.js';
import { createFileAtomic } from './atomic.js';
import { isAlive, ownIdentity } from './process-identity.js';
import { stagingPath } from './staging.js';
import type { Store } from './types.js';

export async function withLock<T>(store: Store, name: string, fn: () => Promise<T> | T, timeoutMs = 60_000): Promise<T> {
  const path = join(store.paths.locks, name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (createFileAtomic(store, path, ownIdentity())) break;
    } catch (err) {
      throw new StrataError(`cannot take the ${name} lock`, { cause: err });
    }
    const owner = readOwner(path);
    if (owner === undefined) continue;
    if (!isAlive(owner)) {
      breakDeadLock(store, path, owner);
      continue;
    }
    if (Date.now() > deadline) throw new StrataError(`timed out waiting for the ${name} lock (held by process ${owner.split('.')[0]})`);
    // An async sleep: a holder in this same process (the TUI, say) must be able to finish.
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(path);
    } catch {
      // Broken by a process that took us for dead; nothing to release.
    }
  }
}

/** Locks whose owners died in their section. */
export function sweepDeadLocks(store: Store): void {
  let names: string[];
  try {
    names = readdirSync(store.paths.locks);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(store.paths.locks, name);
    const owner = readOwner(path);
    if (owner !== undefined && !isAlive(owner)) breakDeadLock(store, path, owner);
  }
}

function readOwner(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;   // released meanwhile
  }
}

/** Removes the lock at `path`, which `owner` (dead) held when it was read. It is moved aside
 * first and read again, so a lock that a live process took in between, after another breaker
 * removed the dead one's, is given back instead of removed. */
function breakDeadLock(store: Store, path: string, owner: string): void {
  const aside = stagingPath(store);
  try {
    renameSync(path, aside);
  } catch {
    return;   // broken by another process already
  }
  const now = readOwner(aside) ?? '';
  if (now !== owner && isAlive(now)) {
    try {
      linkSync(aside, path);
    } catch {
      // Taken again meanwhile: its new owner holds it.
    }
  }
  rmSync(aside, { force: true });
}
