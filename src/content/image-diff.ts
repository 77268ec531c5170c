// `diff IMAGE[@N] [IMAGE[@N]]` over the store: the view of an image, or of an image at layer N
// (from 0 at the base: the `history` entries that made a layer, counted from the bottom), compared with another
// (resolver/stack-diff.ts). The layers both stacks share, bottom up, are read only through their
// path table (kept per stack in the store) and their directories on disk; only the layers above
// them have their indexes read, so two Debian images that differ in one small layer cost what that
// layer costs.

import { ROOT, type BytePath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { DiffEntry } from '../resolver/diff.js';
import { diffStacks, type SharedPaths } from '../resolver/stack-diff.js';
import { checkLayerNumber } from '../resolver/view.js';
import type { Image } from '../store/images.js';
import { readLayerIndex } from '../store/layers.js';
import { findImage } from '../store/lookup.js';
import type { Store } from '../store/store.js';
import { openImageView } from './image-view.js';

/** An image, cut at a layer: `layers` of its diff_ids, base first. */
export interface ImageAt {
  readonly image: Image;
  readonly layers: number;
}

/** What `IMAGE` or `IMAGE@N` names (`NAME@sha256:…` is not a layer number: it stays whole). */
export function findImageAt(store: Store, text: string): ImageAt | undefined {
  const at = /^(.+)@(\d+)$/.exec(text);
  const image = findImage(store, at ? at[1]! : text);
  if (!image) return undefined;
  const count = image.config.rootfs.diff_ids.length;
  if (!at) return { image, layers: count };
  const n = Number(at[2]);
  checkLayerNumber(n, count);
  return { image, layers: n + 1 };
}

export function resolveImageAt(store: Store, text: string): ImageAt {
  const found = findImageAt(store, text);
  if (!found) throw new StrataError(`image "${text.replace(/@\d+$/, '')}" not found`);
  return found;
}

/** What the top layer of `at` changes over the layers below it (`diff IMAGE`, `diff IMAGE@N`). */
export function diffTopLayer(store: Store, at: ImageAt): DiffEntry[] {
  return diffImageViews(store, { image: at.image, layers: Math.max(0, at.layers - 1) }, at);
}

/** What differs from the view of `first` to the view of `second`. */
export function diffImageViews(store: Store, first: ImageAt, second: ImageAt): DiffEntry[] {
  const a = first.image.config.rootfs.diff_ids.slice(0, first.layers);
  const b = second.image.config.rootfs.diff_ids.slice(0, second.layers);
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  const own = (ids: readonly string[]) => ids.slice(shared).map((d) => readLayerIndex(store, d));
  if (shared === 0) return diffStacks(EMPTY, own(a), own(b), () => false);
  const iv = openImageView(store, first.image, shared - 1);
  return diffStacks(iv.types, own(a), own(b), iv.sameDirBelow);
}

const EMPTY: SharedPaths = {
  typeOf: (path: BytePath) => (path === ROOT ? 'dir' : undefined),
  pathsUnder: () => [],
};
