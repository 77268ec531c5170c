// Rootless with subordinate ids (runtime/rootless/subordinate-ids.ts), a layer's files carry their
// image owners on disk, shifted into the caller's range as podman does: image uid 0 is the caller,
// image uid N (1 ≤ N ≤ count) is START+N-1. A sandbox maps the same ranges, so its files show their
// image owners. The caller cannot chown to those ids, and outside the user namespace it may no
// longer read, list or delete every file it stored: the store asks `store.mapped` for those steps,
// which the runtime does as root of a user namespace with the same mapping
// (runtime/rootless/mapped-root.ts). The store itself starts no process.

import { readFileSync } from 'node:fs';
import { StrataError, errnoOf } from '../base/errors.js';
import type { IndexEntry, LayerIndex } from '../base/layer-index.js';
import { writeFileAtomic } from './atomic.js';
import { removeTree } from './staging.js';
import type { Store } from './types.js';

/** A store whose layers were given owners in one pair of ranges shows every file with a wrong
 * owner under other ranges (a changed /etc/subuid): the first rootless open records them, and
 * an open under other ranges, or none, is refused. As root the check does not apply. */
export function checkIdMap(store: Store): void {
  if (process.getuid?.() === 0) return;
  let recorded: string | undefined;
  try {
    recorded = readFileSync(store.paths.idMap, 'utf8');
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw new StrataError(`cannot read ${store.paths.idMap}`, { cause: err });
  }
  const now = store.mapped?.ranges;
  if (recorded === undefined) {
    if (now !== undefined) writeFileAtomic(store, store.paths.idMap, now);
    return;
  }
  if (recorded === now) return;
  const said = (text: string) => text.trim().split('\n').join(', ');
  throw new StrataError(`the store at ${store.root} holds layers whose owners are shifted into subordinate ids ${said(recorded)}; ` +
    `this user now has ${now === undefined ? 'none (no newuidmap, or no range in /etc/subuid and /etc/subgid)' : said(now)}: restore those ranges, or use another store`);
}

/** Whether an error is the refusal that `store.mapped` can get past. */
export function refusedByOwner(store: Store, err: unknown): boolean {
  return store.mapped !== undefined && (errnoOf(err) === 'EACCES' || errnoOf(err) === 'EPERM');
}

/** removeTree, from inside the user namespace when files of mapped owners refuse it. */
export async function removeStoredTree(store: Store, path: string): Promise<void> {
  try {
    removeTree(path);
  } catch (err) {
    if (!refusedByOwner(store, err)) throw err;
    await store.mapped!.remove(store, path);
  }
}

/** The reader for files the caller cannot open, when the store has one. */
export function unreadableFiles(store: Store): ((path: Buffer) => Promise<Buffer>) | undefined {
  const mapped = store.mapped;
  return mapped && ((path) => mapped.read(store, path));
}

/** The entries of a layer index that are on disk in its rootfs (devices and fifos are index-only). */
export function onDisk(index: LayerIndex): IndexEntry[] {
  return [...index.entries.values()].filter((e) => e.type === 'file' || e.type === 'dir' || e.type === 'symlink');
}
