// The one process the TUI starts itself: `run -it` and `exec -it` need the terminal to themselves,
// so strata runs again (base/self-command.ts) with the TUI's stdio, and the TUI blocks until it
// ends. Every other container operation is a library call (data/containers.ts).

import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { selfCommand } from '../../src/base/self-command.js';

/** Runs `strata --root ROOT ARGS…` on the terminal; returns its exit status (128+N on signal N). */
export function runInteractive(root: string, args: readonly string[], command: readonly string[] = selfCommand()): number {
  const [file, ...prefix] = command as [string, ...string[]];
  const r = spawnSync(file, [...prefix, '--root', root, ...args], { stdio: 'inherit' });
  if (r.error) return 125;
  return r.status ?? 128 + (r.signal ? constants.signals[r.signal] : 0);
}
