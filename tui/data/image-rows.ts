// The Images pane's rows: one per tag (an untagged image gets one "<none>:<none>" row), newest
// first, the way `strata images` lists them. Plain data read through the store's functions.

import { imageSize } from '../../src/store/image-size.js';
import { listImageIds, readImage } from '../../src/store/images.js';
import type { Store } from '../../src/store/store.js';
import { listTags } from '../../src/store/tags.js';

export interface ImageRow {
  /** "sha256:<64 hex>" */
  readonly id: string;
  /** "name:tag", or "<none>:<none>" for an untagged image. */
  readonly ref: string;
  /** Bytes, each distinct layer counted once. */
  readonly size: number;
  readonly layers: number;
  /** ISO 8601, or "" when the config does not say. */
  readonly created: string;
}

export const UNTAGGED = '<none>:<none>';

export function listImageRows(store: Store): ImageRow[] {
  const refsOf = new Map<string, string[]>();
  for (const [ref, id] of listTags(store)) refsOf.set(id, [...(refsOf.get(id) ?? []), ref]);
  const rows: ImageRow[] = [];
  for (const id of listImageIds(store)) {
    const { config } = readImage(store, id);
    const size = imageSize(store, config.rootfs.diff_ids);
    for (const ref of refsOf.get(id) ?? [UNTAGGED]) {
      rows.push({ id, ref, size, layers: config.rootfs.diff_ids.length, created: config.created ?? '' });
    }
  }
  return rows.sort((a, b) => b.created.localeCompare(a.created) || a.ref.localeCompare(b.ref));
}

/** What names the row's image on a command line: its tag, or its id when it has none. */
export function refOfRow(row: ImageRow): string {
  return row.ref === UNTAGGED ? row.id : row.ref;
}
