// The TUI's way to the commands that run sandboxes: it starts the strata binary itself (docs/DESIGN.md §6's
// CLI contract), as lazydocker drives docker. `run -it` needs the terminal to itself, so
// `interactive` gives it the TUI's stdio and blocks until it ends; the rest capture output.

import { execFile, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { isSea } from 'node:sea';

export interface StrataCli {
  /** Runs `strata --root ROOT ARGS…` on the terminal; returns its exit status (128+N on signal N). */
  interactive(args: readonly string[]): number;
  /** Runs `strata --root ROOT ARGS…` with output captured. */
  captured(args: readonly string[]): Promise<CliResult>;
}

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to start this strata again: the binary itself, or node with the same script and loader
 * flags when run from source. */
export function strataCommand(): readonly string[] {
  const script = process.argv[1];
  return isSea() || script === undefined ? [process.execPath] : [process.execPath, ...process.execArgv, script];
}

export function strataCli(root: string, command: readonly string[] = strataCommand()): StrataCli {
  const [file, ...prefix] = command as [string, ...string[]];
  const argv = (args: readonly string[]) => [...prefix, '--root', root, ...args];
  return {
    interactive(args) {
      const r = spawnSync(file, argv(args), { stdio: 'inherit' });
      if (r.error) return 125;
      return r.status ?? 128 + (r.signal ? constants.signals[r.signal] : 0);
    },
    captured(args) {
      return new Promise((resolve) => {
        execFile(file, argv(args), { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
          const status = err ? (typeof err.code === 'number' ? err.code : 125) : 0;
          resolve({ status, stdout, stderr: stderr || (err && typeof err.code !== 'number' ? err.message : '') });
        });
      });
    },
  };
}

/** The last line of a failed command's stderr, without the "strata: " prefix. */
export function failureOf(r: CliResult, what: string): string {
  const line = r.stderr.trim().split('\n').pop()?.replace(/^strata: /, '');
  return line || `${what} exited with status ${r.status}`;
}
