// An image's size: the sum of its layers' sizes, each distinct layer counted once.

import { readLayerInfo } from './layers.js';
import type { Store } from './types.js';

export function imageSize(store: Store, diffIds: readonly string[]): number {
  let size = 0;
  for (const d of new Set(diffIds)) size += readLayerInfo(store, d).size;
  return size;
}
