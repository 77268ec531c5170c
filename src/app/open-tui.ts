// The terminal UI, for `strata tui` and `strata` alone on a terminal (docs/DESIGN.md §1, §7), and for the
// TUI's fast path (cli/tui-fast-path.ts), which comes here without yargs. The one module outside
// tui/ that loads the UI, and only by import(): React and Ink cost every other command's start
// nothing.

import { StrataError } from '../base/errors.js';
import type { Context } from './context.js';

export async function openTui(ctx: Context): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new StrataError('the terminal UI needs a terminal (stdin and stdout); see strata --help');
  const { runTui } = await import('../../tui/run-tui.js');
  return runTui({ store: await ctx.store(), ...(ctx.driver !== undefined ? { driver: ctx.driver } : {}) });
}
