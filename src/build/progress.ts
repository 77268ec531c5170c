// What a build tells the user on stderr while it runs: each step as it starts, whether it was
// cached or why it ran, a RUN's output as it comes, notes. `-q` keeps it quiet (the image id alone
// is printed, on stdout). Text taken from the Dockerfile goes through terminalText on a terminal, as all untrusted text (docs/DESIGN.md §6).

import { terminalText } from '../base/terminal-text.js';

export interface Progress {
  step(stage: string, n: number, total: number, text: string): void;
  note(text: string): void;
  /** A RUN's own output, passed through as the program wrote it. */
  output(chunk: Buffer): void;
  /** Whether the step just announced was taken from the cache, or why it ran. Called once per step after step(), before any output of it. */
  cache(verdict: { readonly cached: true } | { readonly cached: false; readonly reason: string }): void;
  /** COPY/ADD: bytes of the sources written so far, out of the total. */
  copyProgress(done: number, total: number): void;
  readonly quiet: boolean;
}

export function stderrProgress(options: { quiet: boolean; terminal: boolean }): Progress {
  const clean = (s: string) => (options.terminal ? terminalText(s) : s);
  const write = (s: string) => {
    if (!options.quiet) process.stderr.write(s);
  };
  return {
    quiet: options.quiet,
    step: (stage, n, total, text) => write(`[${clean(stage)} ${n}/${total}] ${clean(text)}\n`),
    note: (text) => write(`${clean(text)}\n`),
    // As Docker's plain progress: the verdict on a line of its own under the step.
    cache: (v) => write(v.cached ? ' CACHED\n' : ` ${clean(v.reason)}\n`),
    copyProgress: () => {},
    output: (chunk) => {
      if (!options.quiet) process.stderr.write(chunk);
    },
  };
}
