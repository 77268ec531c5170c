// Render-only: every key of the current pane, from app/key-help.ts.

import { Box } from 'ink';
import { KEY_HELP } from '../app/key-help.js';
import type { HelpTopic } from '../app/use-app-state.js';
import { fit, type Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';

export function HelpOverlay({ topic, width, height }: { readonly topic: HelpTopic; readonly width: number; readonly height: number }) {
  const help = KEY_HELP[topic];
  const keyWidth = Math.max(...help.keys.map((k) => k.keys.length)) + 3;
  const lines: Line[] = [
    [{ text: `Keys of the ${help.title} pane`, tone: 'accent', bold: true }],
    [],
    ...help.keys.map((k): Line => [{ text: fit(k.keys, keyWidth), bold: true }, { text: k.does }]),
    [],
    [{ text: 'Esc, ? or q closes this help', tone: 'muted' }],
  ];
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height).map((line, i) => <LineText key={i} line={line} width={width} />)}
    </Box>
  );
}
