// Path resolution inside an image's root, as the kernel does it inside a chroot: symlink targets
// are data of the image, an absolute target starts again at the image's root, `..` never climbs
// above the root, and after MAX_SYMLINK_HOPS links the walk fails with ELOOP. Only the tree is
// consulted, never the host: a link to /etc/shadow means the image's /etc/shadow, and a link
// climbing "../../../.." ends at the image's root (the escapes umoci's securejoin stops).

import { ROOT, joinPath, parentOf, type BytePath } from '../base/byte-path.js';
import { PathError } from './path-error.js';
import type { ResolvedEntry, TreeReader } from './types.js';

/** Linux's limit (MAXSYMLINKS) on links followed in one path walk. */
export const MAX_SYMLINK_HOPS = 40;

export interface ResolveOptions {
  /** Follow a symlink in the last component (stat-like, the default) or return it (lstat-like).
   * A trailing "/" always follows, as on Linux. */
  readonly followLast?: boolean;
}

export interface Resolved {
  /** The path the walk arrived at, every symlink on the way followed. */
  readonly path: BytePath;
  /** What is there; undefined when only the last component is missing (the place a create would
   * use). */
  readonly entry: ResolvedEntry | undefined;
}

/**
 * Resolve a byte-string path (absolute, or relative to the root; not normalized: `..` applies
 * after the links before it are followed, as in the kernel). Throws PathError ENOENT when a
 * directory on the way is missing, ENOTDIR when one is not a directory, ELOOP after too many links.
 */
export function resolvePath(tree: TreeReader, path: string, options: ResolveOptions = {}): Resolved {
  const followLast = options.followLast ?? true;
  // Names still to walk, the next one last.
  const pending = components(path).reverse();
  let dir: BytePath = ROOT;
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name === '.') continue;
    if (name === '..') {
      dir = parentOf(dir);
      continue;
    }
    const next = joinPath(dir, name);
    const found = tree.lookup(next);
    const last = pending.length === 0;
    if (found === undefined) {
      if (last) return { path: next, entry: undefined };
      throw new PathError('ENOENT', next);
    }
    if (found.entry.type === 'symlink' && (followLast || !last)) {
      if (++hops > MAX_SYMLINK_HOPS) throw new PathError('ELOOP', next);
      const target = found.entry.linkTarget ?? '';
      if (target === '') throw new PathError('ENOENT', next);
      if (target.startsWith('/')) dir = ROOT;
      const parts = components(target);
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
      continue;
    }
    if (!last && found.entry.type !== 'dir') throw new PathError('ENOTDIR', next);
    if (last) return { path: next, entry: found };
    dir = next;
  }
  return { path: dir, entry: tree.lookup(dir) };
}

/** The entry at `path`, following every symlink (stat). Throws PathError ENOENT when missing. */
export function statPath(tree: TreeReader, path: string): ResolvedEntry {
  return existing(resolvePath(tree, path, { followLast: true }));
}

/** The entry at `path`, following symlinks in all but the last component (lstat). */
export function lstatPath(tree: TreeReader, path: string): ResolvedEntry {
  return existing(resolvePath(tree, path, { followLast: false }));
}

/** The names of a path, empty ones dropped; a trailing slash becomes a final "." so that the name
 * before it is followed and must be a directory, as on Linux. */
function components(path: string): string[] {
  const names = path.split('/').filter((name) => name !== '');
  if (path.endsWith('/') && names.length > 0) names.push('.');
  return names;
}

function existing(resolved: Resolved): ResolvedEntry {
  if (resolved.entry === undefined) throw new PathError('ENOENT', resolved.path);
  return resolved.entry;
}
