// Durability of what the store publishes: a rename makes a file or a tree visible, so its data
// must be on the disk before the rename (else a power cut could leave a published name over
// empty or truncated files: a layer that `check` calls damaged, an image that does not parse),
// and the directory holding the new name must be on the disk after it (else the name may vanish
// while a later record that refers to it survives).

import { closeSync, constants, fsyncSync, openSync, readdirSync } from 'node:fs';
import { errnoOf } from '../base/errors.js';
import type { Store } from './types.js';

/** Put a tree about to be published on the disk: its files' data and its directories' entries.
 * One syncfs of the store's filesystem when the store can make one (`Store.syncFilesystem`); else,
 * or when that fails (a store whose helper may not run), an fsync of every file and directory in
 * it, several times slower on a large layer. */
export async function syncTree(store: Store, root: string): Promise<void> {
  if (store.syncFilesystem) {
    try {
      return await store.syncFilesystem(store, root);
    } catch {
      // The fsyncs below report a disk's own errors.
    }
  }
  fsyncTree(root);
}

/** fsync a directory: the names created, renamed or removed in it are on the disk. */
export function syncDir(path: string): void {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync of every regular file and directory under `root`, children before their directory.
 * Paths are bytes: a name need not be UTF-8. A file its owner cannot read (mode 0000, or given
 * to another owner through subordinate ids) cannot be opened to be synced: only a syncfs reaches
 * it. */
function fsyncTree(root: string): void {
  const dirs = [Buffer.from(root)];
  for (let i = 0; i < dirs.length; i++) {
    for (const entry of readdirSync(dirs[i]!, { withFileTypes: true, encoding: 'buffer' })) {
      const path = Buffer.concat([dirs[i]!, SLASH, entry.name]);
      if (entry.isDirectory()) dirs.push(path);
      else if (entry.isFile()) fsyncPath(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    }
  }
  for (let i = dirs.length - 1; i >= 0; i--) fsyncPath(dirs[i]!, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
}

const SLASH = Buffer.from('/');

function fsyncPath(path: Buffer, flags: number): void {
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (err) {
    if (errnoOf(err) === 'EACCES' || errnoOf(err) === 'EPERM') return;
    throw err;
  }
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
