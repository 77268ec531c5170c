// How the Image view divides its area: layers, details and efficiency on the left, the file tree
// on the right; or (full width) the tree alone under one line that sums up the layer and the
// selected entry. Pure arithmetic, so a resize simply lays out again.

export interface ImageLayout {
  readonly left: number;
  readonly right: number;
  /** Rows of the layer list (under its title). */
  readonly layerRows: number;
  readonly detailRows: number;
  /** Rows of top wasted paths. */
  readonly wastedRows: number;
  /** Rows of the tree (between its title/filter lines and the legend). */
  readonly treeRows: number;
}

export const DETAIL_ROWS = 5;

export function imageLayout(width: number, height: number, layerCount: number, filterLine: boolean, full = false): ImageLayout {
  if (full) return { left: 0, right: width, layerRows: 0, detailRows: 0, wastedRows: 0, treeRows: Math.max(1, height - 3 - (filterLine ? 1 : 0)) };
  const left = Math.max(34, Math.min(60, Math.floor(width * 0.42)));
  const right = width - left - 1;
  const wastedRows = height >= 30 ? 5 : 2;
  // Left column: "Layers" title + rows, "Details" title + rows, "Efficiency" title + 2 + wasted.
  const layerRows = Math.max(2, Math.min(layerCount, height - (1 + 1 + DETAIL_ROWS + 1 + 2 + wastedRows)));
  const treeRows = Math.max(1, height - 2 - (filterLine ? 1 : 0));
  return { left, right, layerRows, detailRows: DETAIL_ROWS, wastedRows, treeRows };
}
