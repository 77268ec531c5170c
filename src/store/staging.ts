// Work in progress lives in ROOT/staging under a name that says which process owns it, so a
// killed import leaves nothing half-visible and the next strata command can remove it safely.

import { constants, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Store } from './types.js';
import { ownIdentity } from './process-identity.js';

function stagingName(store: Store): string {
  return join(store.paths.staging, `${ownIdentity()}.${randomBytes(6).toString('hex')}`);
}

export function createStagingDir(store: Store): string {
  const dir = stagingName(store);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/** A new file in staging (mode 0600, never one that existed), open for reading and writing. */
export function createStagingFile(store: Store): { readonly path: string; readonly fd: number } {
  const path = stagingName(store);
  return { path, fd: openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600) };
}

export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true, maxRetries: 2 });
}
