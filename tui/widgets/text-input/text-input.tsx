// Render-only: "label value" with the cursor shown as an inverse cell, and the candidates of an
// ambiguous completion on the line below when there are any. Control characters (a pasted one, a
// host file name completed) are shown escaped, as everywhere in the TUI.

import { Box, Text } from 'ink';
import { terminalText } from '../../../src/base/terminal-text.js';
import { fit } from '../line/line.js';
import type { TextInputState } from './use-text-input-state.js';

export interface TextInputProps {
  readonly label: string;
  readonly state: TextInputState;
  readonly width: number;
  /** Draw the cursor (the input has the keys). */
  readonly focused: boolean;
}

export function TextInput({ label, state, width, focused }: TextInputProps) {
  const room = Math.max(1, width - label.length - 1);
  // Keep the cursor in view: show the end of a value longer than the room.
  const start = Math.max(0, state.cursor - room + 1);
  const shown = state.value.slice(start, start + room);
  const at = state.cursor - start;
  const before = terminalText(shown.slice(0, at));
  const under = terminalText(shown[at] ?? ' ');
  const after = fit(terminalText(shown.slice(at + 1)), Math.max(0, room - before.length - under.length));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        {label} {before}
        {focused ? <Text inverse>{under}</Text> : under}
        {after}
      </Text>
      {state.candidates.length > 0 ? <Text wrap="truncate">{fit(terminalText(state.candidates.map(lastPart).join('  ')), width)}</Text> : null}
    </Box>
  );
}

function lastPart(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return path.slice(trimmed.lastIndexOf('/') + 1);
}
