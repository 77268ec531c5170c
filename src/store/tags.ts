// Tags: one small file per "name:tag" holding the image id. Setting a tag is one atomic rename
// and removing one is one unlink, so concurrent strata processes never need a lock for them.

import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../base/errors.js';
import { writeFileAtomic } from './atomic.js';
import type { Store } from './store.js';

export function setTag(store: Store, ref: string, imageId: string): void {
  writeFileAtomic(store, store.paths.tag(ref), imageId + '\n');
}

export function readTag(store: Store, ref: string): string | undefined {
  try {
    return readFileSync(store.paths.tag(ref), 'utf8').trim();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Returns false when the tag did not exist. */
export function removeTag(store: Store, ref: string): boolean {
  try {
    unlinkSync(store.paths.tag(ref));
    return true;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw err;
  }
}

/** Every tag, "name:tag" -> image id, sorted by name. */
export function listTags(store: Store): Map<string, string> {
  const out = new Map<string, string>();
  const refs = readdirSync(store.paths.tags).filter((f) => !f.startsWith('.tmp-')).map(decodeURIComponent);
  for (const ref of refs.sort()) {
    const id = readTag(store, ref);
    if (id) out.set(ref, id);
  }
  return out;
}
