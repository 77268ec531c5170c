// Two images compared for the TUI (`m` on one, `c` on another): what differs from the first to the
// second (content/image-diff.ts: only the layers above the ones they share are read), as the tree's
// marks (A added, M modified, R removed), and the layers they share, named as the history names them.

import type { BytePath } from '../../src/base/byte-path.js';
import { diffImageViews } from '../../src/content/image-diff.js';
import { layerHistory } from '../../src/store/image-config.js';
import { readImage } from '../../src/store/images.js';
import type { Store } from '../../src/store/store.js';
import type { Mark } from './changes.js';
import { cleanCreatedBy } from './image-model.js';

export interface SharedLayer {
  readonly index: number;
  readonly createdBy: string;
}

export interface ImageComparison {
  readonly changes: readonly { readonly path: BytePath; readonly mark: Mark }[];
  /** The layers both stacks start with, base first. */
  readonly shared: readonly SharedLayer[];
}

const MARKS = { A: 'A', C: 'M', D: 'R' } as const;

export function compareImages(store: Store, firstId: string, secondId: string): ImageComparison {
  const first = readImage(store, firstId);
  const second = readImage(store, secondId);
  const a = first.config.rootfs.diff_ids;
  const b = second.config.rootfs.diff_ids;
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  const history = layerHistory(second.config);
  const changes = diffImageViews(store, { image: first, layers: a.length }, { image: second, layers: b.length });
  return {
    changes: changes.map((c) => ({ path: c.path, mark: MARKS[c.kind] })),
    shared: Array.from({ length: shared }, (_, i) => ({ index: i, createdBy: cleanCreatedBy(history[i]?.created_by ?? '') })),
  };
}
