// Render-only: the rows of the file tree that fit in `height`, nothing more (a Debian image's
// ≈9.4k entries cost what ≈40 rows cost). The selected row, when too long for the width, wraps
// onto the rows below it (its name indented under itself), so a long name can be read whole; the
// window drops rows from its top when that would push the selection off the bottom.

import { Box } from 'ink';
import { wrapLine, type Line } from '../line/line.js';
import { ListRows } from '../list/list-rows.js';
import { nameColumn, treeRow } from './tree-row.js';
import { treeWindow, type FileTreeState } from './use-file-tree-state.js';

export interface FileTreeProps {
  readonly state: FileTreeState;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
}

export function FileTree({ state, width, height, focused }: FileTreeProps) {
  const window = treeWindow(state, height);
  const rowOf = (i: number): Line => {
    const node = state.model.nodes[state.visible[i]!]!;
    return treeRow(node, node.isDir && state.collapsed.has(node.path) && !state.filter, state.changedOnly);
  };
  const selectedNode = state.visible.length > 0 ? state.model.nodes[state.visible[window.cursor]!]! : undefined;
  const wrapped = selectedNode ? wrapLine(rowOf(window.cursor), width, nameColumn(selectedNode)).slice(0, height) : [];
  // Rows above the selection that still leave room for all of its wrapped rows.
  const top = Math.max(window.top, window.cursor + wrapped.length - height);
  const rows: Line[] = [];
  for (let i = top; i < state.visible.length && rows.length < height; i++) {
    if (i === window.cursor) rows.push(...wrapped);
    else rows.push(rowOf(i));
  }
  return (
    <Box width={width} height={height}>
      <ListRows rows={rows.slice(0, height)} selected={selectedNode ? window.cursor - top : -1} selectedRows={wrapped.length} focused={focused} width={width} height={height} />
    </Box>
  );
}
