// The pager: a file's text, its hex dump, or a diff, a screen at a time, over the Image view.
// j/k, PgUp/PgDn, g/G scroll; Esc or q goes back to the tree where it was. Lines are cut to the
// width (a pager of rows, like the tree; `less -S`), and every one passes through LineText, so a
// file's control characters are shown escaped, never sent to the terminal.

import { Box } from 'ink';
import { useState } from 'react';
import { fit, type Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';
import { useKeys } from '../widgets/keys/use-keys.js';
import { listMoveOf } from '../widgets/list/use-list.js';
import type { ListMove } from '../widgets/list/use-list-state.js';
import { ListRows } from '../widgets/list/list-rows.js';

export interface PagerProps {
  readonly title: string;
  readonly lines: readonly Line[];
  readonly width: number;
  readonly height: number;
  readonly isActive: boolean;
  readonly onBack: () => void;
}

/** The first line shown after `move`, for `count` lines `rows` at a time. */
export function pagerTop(top: number, move: ListMove, count: number, rows: number): number {
  const last = Math.max(0, count - rows);
  const next = { up: top - 1, down: top + 1, pageUp: top - rows, pageDown: top + rows, home: 0, end: last }[move];
  return Math.max(0, Math.min(last, next));
}

export function PagerScreen({ title, lines, width, height, isActive, onBack }: PagerProps) {
  const rows = Math.max(1, height - 2);
  const [top, setTop] = useState(0);
  useKeys((input, key) => {
    if (key.escape || input === 'q') return onBack();
    const move = listMoveOf(input, key);
    if (move) setTop((t) => pagerTop(t, move, lines.length, rows));
  }, { isActive });
  const last = Math.min(lines.length, top + rows);
  const position = lines.length === 0 ? 'empty' : `lines ${top + 1}–${last} of ${lines.length}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LineText line={[{ text: fit(title, Math.max(0, width - position.length - 2)), tone: 'accent', bold: true }, { text: `  ${position}`, tone: 'muted' }]} width={width} />
      <ListRows rows={lines.slice(top, last)} selected={-1} focused={false} width={width} height={rows} />
      <LineText line={[{ text: '↑ ↓ PgUp PgDn g G move · Esc q back to the tree', tone: 'muted' }]} width={width} />
    </Box>
  );
}
