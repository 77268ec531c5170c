// Publishing a file: it is written in staging (named by its owner, swept when the owner is dead)
// and put in place by one rename or link, so a reader sees either no file, or the old one, or the
// complete new one — and a writer killed at any moment leaves nothing beside it.

import { closeSync, fsyncSync, linkSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { errnoOf } from '../base/errors.js';
import { syncDir } from './durable.js';
import { createStagingFile } from './staging.js';
import type { Store } from './types.js';

/** Write `data` to `path` (in the store), replacing what is there: synced, renamed, and then its
 * directory synced, so the new name is on the disk too (durable.ts). Not synced with `durable:
 * false`, for a file that names live processes (a lease): after a reboot it means nothing. */
export function writeFileAtomic(store: Store, path: string, data: string | Uint8Array, options: { readonly durable?: boolean } = {}): void {
  const durable = options.durable ?? true;
  const tmp = writeStaged(store, data, durable);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  if (durable) syncDir(dirname(path));
}

/** Create `path` (in the store) holding `data`, complete from its first moment (a link to a
 * file written in staging); false when `path` exists already. A file made with O_EXCL and then
 * written would be empty for a moment, and forever if its writer died in that moment. Not
 * synced: what it is for (locks, reservations) names live processes, and means nothing after a
 * reboot. */
export function createFileAtomic(store: Store, path: string, data: string | Uint8Array): boolean {
  const tmp = writeStaged(store, data, false);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw err;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Left in staging, it goes with this process: the next command sweeps a dead one's.
    }
  }
}

function writeStaged(store: Store, data: string | Uint8Array, sync: boolean): string {
  const { path, fd } = createStagingFile(store);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (sync) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
  return path;
}
