// The peer of the TUI's first-frame row: the smallest Ink app, one line of text, quit with q.
// bench/rows/tui.mjs bundles it with build.mjs's bundleEntry, exactly as strata is bundled.

import { render, Text, useApp, useInput } from 'ink';

function Minimal() {
  const { exit } = useApp();
  useInput((input) => {
    if (input === 'q') exit();
  });
  return <Text>minimal ink app ready</Text>;
}

render(<Minimal />);
