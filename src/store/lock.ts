// A short exclusive section between strata processes (garbage collection). The lock file holds
// its owner's identity; one left by a dead process is broken. Waiting is a polling loop: these
// sections last milliseconds.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { StrataError, errnoOf } from '../base/errors.js';
import { isAlive, ownIdentity } from './process-identity.js';
import type { Store } from './store.js';

export async function withLock<T>(store: Store, name: string, fn: () => Promise<T> | T, timeoutMs = 60_000): Promise<T> {
  const path = join(store.paths.locks, name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      writeSync(fd, ownIdentity());
      closeSync(fd);
      break;
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw new StrataError(`cannot take the ${name} lock`, { cause: err });
    }
    let owner = '';
    try {
      owner = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    if (owner && !isAlive(owner)) {
      try {
        unlinkSync(path);
      } catch {
        // Someone else broke it.
      }
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
