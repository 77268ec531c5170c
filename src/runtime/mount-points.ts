// Where a mount lands inside the container, and what must be made so that it can. A container
// path is resolved INSIDE the image's root with the resolver's rules (symlinks are image data, an
// absolute link starts at the image's root, ".." stops there), so neither a `-v` target like
// /../../etc nor a link like /data -> /../../../host ever names a host path. What is missing is
// created (as Docker creates volume mount points), by the rootfs driver, before the sandbox starts.

import { ROOT, bytesOfUserString, displayPath, joinPath, parentOf, type BytePath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import { MAX_SYMLINK_HOPS } from '../resolver/symlinks.js';
import type { TreeReader } from '../resolver/types.js';

export type MountPointType = 'dir' | 'file';

export interface MountPoint {
  /** The resolved path inside the container (no symlink on it). */
  readonly path: BytePath;
  /** Paths to create, parents first: directories, then the mount point itself. */
  readonly create: readonly { readonly path: BytePath; readonly type: MountPointType }[];
}

/** Resolve `unsafePath` (a container path as the user or the runtime gave it) for a mount of a
 * `type` source. The walk is the resolver's (resolver/symlinks.ts), except that a link may point
 * at directories that do not exist yet: they are made, as Docker makes them. */
export function resolveMountPoint(tree: TreeReader, unsafePath: string, type: MountPointType): MountPoint {
  const fail = (why: string) => new StrataError(`cannot mount on ${unsafePath}: ${why}`, { exitCode: 125 });
  // Names still to walk, the next one last.
  const pending = names(bytesOfUserString(unsafePath)).reverse();
  let dir: BytePath = ROOT;
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name === '..') {
      dir = parentOf(dir);
      continue;
    }
    const next = joinPath(dir, name);
    const found = tree.lookup(next);
    const last = pending.length === 0;
    if (found === undefined) {
      // Missing from here on: this name and all below it are made.
      const create: { path: BytePath; type: MountPointType }[] = [];
      let path = next;
      create.push({ path, type: last ? type : 'dir' });
      while (pending.length > 0) {
        const below = pending.pop()!;
        if (below === '..') throw fail('".." below a directory that does not exist');
        path = joinPath(path, below);
        create.push({ path, type: pending.length === 0 ? type : 'dir' });
      }
      return { path, create };
    }
    if (found.entry.type === 'symlink') {
      if (++hops > MAX_SYMLINK_HOPS) throw fail(`${displayPath(next)}: too many levels of symbolic links`);
      const target = found.entry.linkTarget ?? '';
      if (target === '') throw fail(`${displayPath(next)}: empty symbolic link`);
      // An absolute target starts again at the image's root; ".." never climbs above it.
      if (target.startsWith('/')) dir = ROOT;
      pending.push(...names(target).reverse());
      continue;
    }
    if (!last && found.entry.type !== 'dir') throw fail(`${displayPath(next)} is not a directory`);
    dir = next;
  }
  if (dir === ROOT) throw fail("it is the container's root");
  const isDir = tree.lookup(dir)!.entry.type === 'dir';
  if (isDir !== (type === 'dir')) {
    throw fail(`a ${type === 'dir' ? 'directory' : 'file'} cannot go there: it is ${isDir ? 'a directory' : 'not a directory'} in the image`);
  }
  return { path: dir, create: [] };
}

function names(path: string): string[] {
  return path.split('/').filter((n) => n !== '' && n !== '.');
}
