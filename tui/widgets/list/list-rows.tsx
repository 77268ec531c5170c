// Render-only: the rows of a list that are on screen, the selected one highlighted, in a box of
// the height it owns. Callers pass only the visible rows, so a list of any length costs what the
// screen shows; the box's height keeps the blank lines below them, which cost no nodes (a blank
// row is drawn only when it is the selection: a highlighted one spans the width).

import { Box } from 'ink';
import type { Line } from '../line/line.js';
import { LineText } from '../line/line-text.js';

export interface ListRowsProps {
  /** The rows on screen, already cut to the window. */
  readonly rows: readonly Line[];
  /** Which of `rows` is selected, or -1. */
  readonly selected: number;
  /** Rows the selection spans from `selected` (a wrapped row); 1 unless told. */
  readonly selectedRows?: number;
  /** Highlight the selection (inverse) or only mark it (bold). */
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
}

export function ListRows({ rows, selected, selectedRows = 1, focused, width, height }: ListRowsProps) {
  const lines = [];
  for (let i = 0; i < Math.min(height, Math.max(rows.length, selected + 1)); i++) {
    const on = selected >= 0 && i >= selected && i < selected + selectedRows;
    lines.push(<LineText key={i} line={rows[i] ?? []} width={width} inverse={on && focused} bold={on && !focused} />);
  }
  return <Box flexDirection="column" width={width} height={height}>{lines}</Box>;
}
