// Work in progress lives in ROOT/staging under a name that says which process owns it, so a
// killed import leaves nothing half-visible and the next strata command can remove it safely.

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Store } from './store.js';
import { ownIdentity } from './process-identity.js';

export function createStagingDir(store: Store): string {
  const dir = join(store.paths.staging, `${ownIdentity()}.${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true, maxRetries: 2 });
}
