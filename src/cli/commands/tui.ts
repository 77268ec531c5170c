// `strata tui`, and `strata` alone: the terminal UI on a terminal, the help anywhere else
// (DESIGN §1, §7). The UI's modules (React, Ink) load here and nowhere else.

import { StrataError } from '../../base/errors.js';
import type { Context } from '../context.js';
import { defineCommand } from '../define.js';

/** Exported for the TUI's fast path (../tui-fast-path.ts), which comes here without yargs. */
export async function openTui(ctx: Context): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new StrataError('the terminal UI needs a terminal (stdin and stdout); see strata --help');
  const { runTui } = await import('../../../tui/run-tui.js');
  return runTui({ store: await ctx.store(), ...(ctx.driver !== undefined ? { driver: ctx.driver } : {}) });
}

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
