// Render-only pieces around every screen: the header (pane tabs and the screen's title), the
// status line (message, store path, driver), the message for a terminal that is too small.

import { Box, Text } from 'ink';
import { terminalText } from '../../src/base/terminal-text.js';
import { fit, type Line, type Segment } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';
import type { Message, Pane } from './use-app-state.js';

/** Below this the panes cannot be laid out legibly (docs/DESIGN.md §7). */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export function Header({ pane, title, width }: { readonly pane: Pane; readonly title: string; readonly width: number }) {
  // Brackets mark the pane in front without colour; colour repeats it.
  const tab = (p: Pane, label: string): Segment => (p === pane ? { text: `[${label}]`, tone: 'accent', bold: true } : { text: ` ${label} `, tone: 'muted' });
  const line: Line = [{ text: 'strata ', bold: true }, tab('images', 'Images'), tab('containers', 'Containers'), { text: title ? `  ${title}` : '' }];
  return <LineText line={line} width={width} />;
}

export interface StatusLineProps {
  readonly message: Message | undefined;
  readonly root: string;
  readonly driver: string;
  readonly width: number;
}

export function StatusLine({ message, root, driver, width }: StatusLineProps) {
  const right = `store ${root} · driver ${driver} · ? help`;
  const room = Math.max(0, width - right.length - 2);
  const left: Segment = message ? { text: fit(terminalText(message.text), room), tone: message.error ? 'error' : 'accent' } : { text: ' '.repeat(room) };
  return <LineText line={[left, { text: '  ' }, { text: right, tone: 'muted' }]} width={width} />;
}

export function TooSmall({ columns, rows }: { readonly columns: number; readonly rows: number }) {
  return (
    <Box flexDirection="column">
      <Text wrap="wrap">strata needs a terminal of at least {MIN_COLUMNS}x{MIN_ROWS}; this one is {columns}x{rows}.</Text>
      <Text wrap="wrap">Make it larger, or press q to quit.</Text>
    </Box>
  );
}
