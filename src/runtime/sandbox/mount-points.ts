// Where a mount lands inside the container, and what must be made so that it can. A container
// path is resolved INSIDE the image's root with the resolver's rules (symlinks are image data, an
// absolute link starts at the image's root, ".." stops there), so neither a `-v` target like
// /../../etc nor a link like /data -> /../../../host ever names a host path. What is missing is
// created (as Docker creates volume mount points), by the rootfs driver, before the sandbox starts.

import { ROOT, bytesOfUserString, joinPath, type BytePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import { PathError } from '../../resolver/path-error.js';
import { resolvePrefix, type ResolvedPrefix } from '../../resolver/symlinks.js';
import type { TreeReader } from '../../resolver/types.js';

export type MountPointType = 'dir' | 'file';

export interface MountPoint {
  /** The resolved path inside the container (no symlink on it). */
  readonly path: BytePath;
  /** Paths to create, parents first: directories, then the mount point itself. */
  readonly create: readonly { readonly path: BytePath; readonly type: MountPointType }[];
}

/** Resolve `unsafePath` (a container path as the user or the runtime gave it) for a mount of a
 * `type` source. The walk is the resolver's (resolvePrefix), links in the last name followed too;
 * where it stops at a missing name, that name and all after it are made — also where a link
 * points at directories that do not exist yet, as Docker makes them. */
export function resolveMountPoint(tree: TreeReader, unsafePath: string, type: MountPointType): MountPoint {
  const fail = (why: string) => new StrataError(`cannot mount on ${unsafePath}: ${why}`, { exitCode: 125 });
  let found: ResolvedPrefix;
  try {
    found = resolvePrefix(tree, bytesOfUserString(unsafePath));
  } catch (err) {
    if (err instanceof PathError) throw fail(err.message);
    throw err;
  }
  if (found.missing.length > 0) {
    const names = found.missing.filter((n) => n !== '.');
    // Below a directory that is made, ".." would name a place the image decides nothing about.
    if (names.includes('..')) throw fail('".." below a directory that does not exist');
    const create: { path: BytePath; type: MountPointType }[] = [];
    let path = found.path;
    for (const [i, name] of names.entries()) {
      path = joinPath(path, name);
      create.push({ path, type: i === names.length - 1 ? type : 'dir' });
    }
    return { path, create };
  }
  if (found.path === ROOT) throw fail("it is the container's root");
  const isDir = found.entry.entry.type === 'dir';
  if (isDir !== (type === 'dir')) {
    throw fail(`a ${type === 'dir' ? 'directory' : 'file'} cannot go there: it is ${isDir ? 'a directory' : 'not a directory'} in the image`);
  }
  return { path: found.path, create: [] };
}
