// What a build tells the user on stderr while it runs: each step as it starts, a RUN's output as it
// comes, notes. `-q` keeps it quiet (the image id alone is printed, on stdout). Text taken from the
// Dockerfile goes through terminalText on a terminal, as all untrusted text (docs/DESIGN.md §6).

import { terminalText } from '../base/terminal-text.js';

export interface Progress {
  step(stage: string, n: number, total: number, text: string): void;
  note(text: string): void;
  /** A RUN's own output, passed through as the program wrote it. */
  output(chunk: Buffer): void;
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
    output: (chunk) => {
      if (!options.quiet) process.stderr.write(chunk);
    },
  };
}
