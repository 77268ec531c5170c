// Who holds a container's freeze (pause.ts): ROOT/containers/<id>/paused-by/<pid>.<start>.<rand>,
// one empty file per hold, named like staging so that a holder that died is known for one. The
// holders and the freezer change together under the container's pause lock: one process's thaw
// never lands just after another's freeze.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../base/errors.js';
import { withLock } from '../../store/lock.js';
import { isAlive, ownedName, ownerOf } from '../../store/process-identity.js';
import type { Store } from '../../store/store.js';
import { containerDir, type ContainerRecord } from './records.js';

const HOLDERS = 'paused-by';

const holdersDir = (store: Store, rec: ContainerRecord) => join(containerDir(store, rec.id), HOLDERS);

function holders(store: Store, rec: ContainerRecord): string[] {
  try {
    return readdirSync(holdersDir(store, rec));
  } catch {
    return [];
  }
}

/** Names this process a holder; returns the name, for removeHolder. */
export function addHolder(store: Store, rec: ContainerRecord): string {
  const dir = holdersDir(store, rec);
  try {
    // Not recursive: a container removed meanwhile must not get its directory back.
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
  }
  const name = ownedName();
  writeFileSync(join(dir, name), '', { flag: 'wx', mode: 0o600 });
  return name;
}

export function removeHolder(store: Store, rec: ContainerRecord, name: string): void {
  rmSync(join(holdersDir(store, rec), name), { force: true });
}

export function hasLiveHolder(store: Store, rec: ContainerRecord): boolean {
  return holders(store, rec).some((name) => isAlive(ownerOf(name)));
}

export function hasDeadHolder(store: Store, rec: ContainerRecord): boolean {
  return holders(store, rec).some((name) => !isAlive(ownerOf(name)));
}

export function dropDeadHolders(store: Store, rec: ContainerRecord): void {
  for (const name of holders(store, rec)) if (!isAlive(ownerOf(name))) removeHolder(store, rec, name);
}

/** Runs `step` under the container's pause lock. A lock that cannot be had (a disk too full for
 * its file) must not leave a container frozen: the step then runs without it. */
export async function underPauseLock(store: Store, rec: ContainerRecord, step: () => void): Promise<void> {
  let ran = false;
  try {
    await withLock(store, `pause-${rec.id}`, () => {
      ran = true;
      step();
    });
  } catch (err) {
    if (ran) throw err;
    step();
  }
}
