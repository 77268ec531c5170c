// What a build tells the user while it runs: each step as it starts, whether the cache served it
// (or why it ran), a RUN's output as it comes, a COPY's bytes written, notes. The CLI's
// implementation writes to stderr (`-q` keeps it quiet: the image id alone is printed, on stdout);
// the TUI's build view draws the same calls. Text taken from the Dockerfile goes through
// terminalText on a terminal, as all untrusted text (docs/DESIGN.md §6).

import { terminalText } from '../base/terminal-text.js';

export interface Progress {
  step(stage: string, n: number, total: number, text: string): void;
  note(text: string): void;
  /** Whether the step just announced was taken from the cache, or why it ran. Called once per step after step(), before any output of it. */
  cache(verdict: { readonly cached: true } | { readonly cached: false; readonly reason: string }): void;
  /** A RUN's own output, passed through as the program wrote it. */
  output(chunk: Buffer): void;
  /** COPY/ADD: bytes of the sources written so far, out of the total. */
  copyProgress(done: number, total: number): void;
  readonly quiet: boolean;
}

/** What Progress.cache is told about a step. */
export type CacheVerdict = Parameters<Progress['cache']>[0];

export function stderrProgress(options: { quiet: boolean; terminal: boolean }): Progress {
  const clean = (s: string) => (options.terminal ? terminalText(s) : s);
  const write = (s: string) => {
    if (!options.quiet) process.stderr.write(s);
  };
  return {
    quiet: options.quiet,
    step: (stage, n, total, text) => write(`[${clean(stage)} ${n}/${total}] ${clean(text)}\n`),
    note: (text) => write(`${clean(text)}\n`),
    cache: (verdict) => write(verdict.cached ? 'CACHED\n' : `${clean(verdict.reason)}\n`),
    output: (chunk) => {
      if (!options.quiet) process.stderr.write(chunk);
    },
    // Plain output has no line to redraw; the bytes a COPY wrote are not worth a line each.
    copyProgress: () => {},
  };
}
