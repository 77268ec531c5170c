// `strata tui`, and `strata` alone: the terminal UI on a terminal, the help anywhere else
// (docs/DESIGN.md §1, §7). The UI loads through app/open-tui.ts, the one place its modules (React, Ink)
// are loaded from.

import { openTui } from '../../app/open-tui.js';
import { defineCommand } from '../define.js';

export const tui = defineCommand({
  command: 'tui',
  describe: 'Open the terminal UI (what `strata` alone does on a terminal)',
  builder: (y) => y,
  run: (ctx) => openTui(ctx),
});

/** `strata` with no command: the TUI on a terminal; elsewhere the help, exit status 0. */
export function noCommand(help: () => Promise<string>) {
  return defineCommand({
    command: '$0',
    describe: 'The terminal UI on a terminal; this help anywhere else',
    builder: (y) => y,
    run: async (ctx) => {
      if (process.stdin.isTTY && process.stdout.isTTY) return openTui(ctx);
      ctx.out(await help());
    },
  });
}
