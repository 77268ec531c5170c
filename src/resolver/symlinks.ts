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

export interface ResolvedPrefix {
  /** The deepest existing path the walk reached, every symlink on the way followed: the whole
   * path's when nothing is missing. */
  readonly path: BytePath;
  /** What is there. */
  readonly entry: ResolvedEntry;
  /** The names still to walk below `path` when one was missing: the missing name first, then
   * the rest, symlink targets met on the way already spliced in, "." and ".." as they come.
   * Empty when the whole path exists. */
  readonly missing: readonly string[];
}

/**
 * Walk a byte-string path (absolute, or relative to the root; not normalized: `..` applies after
 * the links before it are followed, as in the kernel) as far as it exists. Throws PathError
 * ENOTDIR when a name on the way is not a directory, ELOOP after too many links, ENOENT for an
 * empty link target. What is missing is returned, not thrown: the caller decides (resolvePath
 * allows the last name only; a mount point makes them all).
 */
export function resolvePrefix(tree: TreeReader, path: string, options: ResolveOptions = {}): ResolvedPrefix {
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
    if (found === undefined) return { path: dir, entry: existing(tree, dir), missing: [name, ...pending.reverse()] };
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
    if (last) return { path: next, entry: found, missing: [] };
    dir = next;
  }
  return { path: dir, entry: existing(tree, dir), missing: [] };
}

/**
 * Resolve a byte-string path as resolvePrefix walks it. Throws PathError ENOENT when a directory
 * on the way is missing, ENOTDIR when one is not a directory, ELOOP after too many links.
 */
export function resolvePath(tree: TreeReader, path: string, options: ResolveOptions = {}): Resolved {
  const r = resolvePrefix(tree, path, options);
  if (r.missing.length === 0) return { path: r.path, entry: r.entry };
  const next = joinPath(r.path, r.missing[0]!);
  if (r.missing.length === 1) return { path: next, entry: undefined };
  throw new PathError('ENOENT', next);
}

/** The entry at `path`, following every symlink (stat). Throws PathError ENOENT when missing. */
export function statPath(tree: TreeReader, path: string): ResolvedEntry {
  return found(resolvePath(tree, path, { followLast: true }));
}

/** The entry at `path`, following symlinks in all but the last component (lstat). */
export function lstatPath(tree: TreeReader, path: string): ResolvedEntry {
  return found(resolvePath(tree, path, { followLast: false }));
}

/** The names of a path, empty ones dropped; a trailing slash becomes a final "." so that the name
 * before it is followed and must be a directory, as on Linux. */
function components(path: string): string[] {
  const names = path.split('/').filter((name) => name !== '');
  if (path.endsWith('/') && names.length > 0) names.push('.');
  return names;
}

function found(resolved: Resolved): ResolvedEntry {
  if (resolved.entry === undefined) throw new PathError('ENOENT', resolved.path);
  return resolved.entry;
}

/** A directory the walk stands in: it exists (the root, or a name it checked). */
function existing(tree: TreeReader, dir: BytePath): ResolvedEntry {
  const entry = tree.lookup(dir);
  if (entry === undefined) throw new PathError('ENOENT', dir);
  return entry;
}
