// Render-only: the rows of the file tree that fit in `height`, nothing more (a Debian image's
// ≈9.4k entries cost what ≈40 rows cost).

import { Box } from 'ink';
import type { Line } from '../line/line.js';
import { ListRows } from '../list/list-rows.js';
import { treeRow } from './tree-row.js';
import { treeWindow, type FileTreeState } from './use-file-tree-state.js';

export interface FileTreeProps {
  readonly state: FileTreeState;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
}

export function FileTree({ state, width, height, focused }: FileTreeProps) {
  const { top, cursor } = treeWindow(state, height);
  const rows: Line[] = [];
  for (let i = top; i < Math.min(top + height, state.visible.length); i++) {
    const node = state.model.nodes[state.visible[i]!]!;
    rows.push(treeRow(node, node.isDir && state.collapsed.has(node.path) && !state.filter));
  }
  return (
    <Box width={width} height={height}>
      <ListRows rows={rows} selected={cursor - top} focused={focused} width={width} height={height} />
    </Box>
  );
}
