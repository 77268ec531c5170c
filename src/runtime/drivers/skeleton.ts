// Mount points a sandbox needs that its image lacks (/proc, /etc/hosts, a -v target, …), made
// before it starts: in the overlay driver's init layer (a lower directory of the container's own,
// like Docker's "-init" layer, so they never show in `diff`), or in the copy driver's rootfs
// before its change-tracking stamp. Directories made only to hold a mount point take the image's
// metadata for that directory: the topmost copy of a directory is what the merged view shows.

import { chmodSync, chownSync, closeSync, mkdirSync, openSync, utimesSync, constants } from 'node:fs';
import { ROOT, bufferOf, parentOf, type BytePath } from '../../base/byte-path.js';
import { errnoOf } from '../../base/errors.js';
import type { TreeReader } from '../../resolver/types.js';
import type { MountPoint } from '../sandbox/mount-points.js';

export function makeSkeleton(base: string, mountPoints: readonly MountPoint[], view: TreeReader): void {
  const host = (p: BytePath) => Buffer.concat([Buffer.from(base), bufferOf(p)]);
  const asRoot = process.getuid?.() === 0;
  const madeDirs = new Map<BytePath, boolean>(); // path -> exists in the image
  mkdirSync(base, { recursive: true, mode: 0o755 });
  for (const mp of mountPoints) {
    for (const item of mp.create) {
      // Parents the image has, recreated here with its metadata (applied at the end).
      const parents: BytePath[] = [];
      for (let dir = parentOf(item.path); dir !== ROOT && !madeDirs.has(dir); dir = parentOf(dir)) parents.push(dir);
      for (const dir of parents.reverse()) {
        mkdirIfMissing(host(dir));
        madeDirs.set(dir, view.lookup(dir) !== undefined);
      }
      if (item.type === 'dir') {
        mkdirIfMissing(host(item.path));
        madeDirs.set(item.path, false);
      } else {
        closeSync(openSync(host(item.path), constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o644));
      }
    }
  }
  // Deepest first: a directory's times are set after everything inside it is made.
  for (const [dir, inImage] of [...madeDirs].sort(([a], [b]) => (a < b ? 1 : -1))) {
    const e = inImage ? view.lookup(dir)!.entry : undefined;
    if (e === undefined) continue;
    if (asRoot) chownSync(host(dir), e.uid, e.gid);
    chmodSync(host(dir), e.mode);
    utimesSync(host(dir), e.mtime, e.mtime);
  }
}

function mkdirIfMissing(path: Buffer): void {
  try {
    mkdirSync(path, { mode: 0o755 });
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
  }
}
