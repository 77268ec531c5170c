// The Images pane: every tagged (and untagged) image, newest first; the selection is what Enter,
// r and d act on.

import { Box } from 'ink';
import type { ImageRow } from '../data/image-rows.js';
import type { Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';
import { ListRows } from '../widgets/list/list-rows.js';
import type { ListState } from '../widgets/list/use-list-state.js';
import { imageLine, imagesHeader } from './images-table.js';

export interface ImagesPaneProps {
  readonly rows: readonly ImageRow[];
  readonly list: ListState;
  readonly width: number;
  readonly height: number;
  /** The row whose removal waits for y/n, if any. */
  readonly confirming: ImageRow | undefined;
  /** For "N minutes ago" (a prop, so frames are reproducible). */
  readonly now: number;
  /** The image marked to compare (`m`), if any. */
  readonly marked?: ImageRow | undefined;
}

export function ImagesPane({ rows, list, width, height, confirming, now, marked }: ImagesPaneProps) {
  const listHeight = height - 2;
  const shown: Line[] = rows.slice(list.top, list.top + listHeight).map((r) => imageLine(r, width, now, marked !== undefined && r.id === marked.id && r.ref === marked.ref));
  if (rows.length === 0) shown.push([{ text: 'No images. Press i to import a tarball, b to build a Dockerfile.', tone: 'muted' }]);
  const footer: Line = confirming
    ? [{ text: `Remove ${confirming.ref}? y to remove, any other key to keep it`, tone: 'warning', bold: true }]
    : marked
      ? [{ text: `${marked.ref} marked · c on another image compares them · m unmarks`, tone: 'accent' }]
      : [{ text: `${rows.length} image${rows.length === 1 ? '' : 's'} · Enter open · r shell · i import · b build · d remove · m mark`, tone: 'muted' }];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LineText line={imagesHeader(width)} width={width} />
      <ListRows rows={shown} selected={rows.length > 0 ? list.cursor - list.top : -1} focused width={width} height={listHeight} />
      <LineText line={footer} width={width} />
    </Box>
  );
}
