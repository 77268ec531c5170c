// Render-only: one Line, cut and padded to its width, optionally highlighted as a whole. Every row
// of the TUI is drawn here, so here no control character gets through (base/terminal-text.ts):
// text from images is escaped where it becomes a row (so it is cut by its escaped width); this
// catches the rest (error messages, a container's logs).

import { Text } from 'ink';
import { terminalText } from '../../../src/base/terminal-text.js';
import { fitLine, type Line } from './line.js';
import { colorOf, useTheme } from './theme.js';

export interface LineTextProps {
  readonly line: Line;
  readonly width: number;
  /** The selected row of a focused list. */
  readonly inverse?: boolean;
  /** The selected row of a list without focus. */
  readonly bold?: boolean;
}

export function LineText({ line, width, inverse = false, bold = false }: LineTextProps) {
  const theme = useTheme();
  const fitted = fitLine(line.map((seg) => {
    const text = terminalText(seg.text);
    return text === seg.text ? seg : { ...seg, text };
  }), width, inverse);
  if (fitted.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate" inverse={inverse} bold={bold}>
      {fitted.map((seg, i) => {
        const color = colorOf(theme, seg.tone);
        return color || seg.bold ? <Text key={i} color={color} bold={seg.bold}>{seg.text}</Text> : seg.text;
      })}
    </Text>
  );
}
