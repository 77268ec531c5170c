// Work in progress lives in ROOT/staging under a name that says which process owns it, so a
// killed import leaves nothing half-visible and the next strata command can remove it safely.

import { constants, mkdirSync, openSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from './types.js';
import { ownedName } from './process-identity.js';

/** A fresh path in staging, owned by this process; nothing is made there. */
export function stagingPath(store: Store): string {
  return join(store.paths.staging, ownedName());
}

export function createStagingDir(store: Store): string {
  const dir = stagingPath(store);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/** A new file in staging (mode 0600, never one that existed), open for reading and writing. */
export function createStagingFile(store: Store): { readonly path: string; readonly fd: number } {
  const path = stagingPath(store);
  return { path, fd: openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600) };
}

export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true, maxRetries: 2 });
}

/** removeTree off the main thread (libuv's pool): a caller running several containers at once
 * goes on with the others meanwhile. */
export async function removeTreeAsync(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 2 });
}
