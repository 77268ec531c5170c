// Caches derived from a layer stack (an image's diff_ids, base first), named by the digest of that
// list: ROOT/stacks/<digest> holds the stack's index texts (layers.ts), ROOT/stacks/<digest>.paths
// the path table of its merged view (content/image-view.ts). Layers never change, so a cache never
// goes stale; garbage collection drops them all when any layer goes. A cache that is missing,
// cannot be read or cannot be written costs speed only.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { Store } from './types.js';

/** What a stack cache holds, and the suffix of its file name. */
export const STACK_INDEXES = '';
export const STACK_PATHS = '.paths';
export type StackCacheKind = typeof STACK_INDEXES | typeof STACK_PATHS;

/** Part of every cache's name: a change to what the caches hold renames them all, so no reader
 * believes an old one (version 1 stored index texts read as latin1, written back as UTF-8). */
const VERSION = 'strata-stack 2';

function cachePath(store: Store, diffIds: readonly string[], kind: StackCacheKind): string {
  const digest = createHash('sha256').update(`${VERSION}\n${diffIds.join('\n')}`).digest('hex');
  return join(store.paths.stacks, digest + kind);
}

/** The cache's bytes, or undefined when there is none (not made yet, or removed meanwhile). */
export function readStackCache(store: Store, diffIds: readonly string[], kind: StackCacheKind): Buffer | undefined {
  try {
    return readFileSync(cachePath(store, diffIds, kind));
  } catch {
    return undefined;
  }
}

export function writeStackCache(store: Store, diffIds: readonly string[], kind: StackCacheKind, data: string | Uint8Array): void {
  try {
    mkdirSync(store.paths.stacks, { recursive: true, mode: 0o700 });
    writeFileAtomic(store, cachePath(store, diffIds, kind), data);
  } catch {
    // A read-only store or a full disk: the next reader computes it again.
  }
}
