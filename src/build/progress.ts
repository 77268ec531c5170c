// What a build tells the user on stderr while it runs: each step as it starts, whether it came from
// the cache, a COPY's bytes, a RUN's output as it comes, notes. `-q` keeps it quiet (the image id
// alone is printed, on stdout). Two forms, as BuildKit's --progress has them: plain, line by line
// (for logs and programs), and tty, a live display redrawn in place (tty-progress.ts); the CLI picks one (progressMode). Text taken
// from the Dockerfile goes through terminalText on a terminal, as all untrusted text
// (docs/DESIGN.md §6).

import { terminalText } from '../base/terminal-text.js';
import { humanSize } from '../base/format.js';

export interface Progress {
  step(stage: string, n: number, total: number, text: string): void;
  /** Whether the step just announced was taken from the cache, or why it ran. Called once per step after step(), before any output of it. */
  cache(verdict: { readonly cached: true } | { readonly cached: false; readonly reason: string }): void;
  /** COPY/ADD: bytes of the sources written so far, out of the total. */
  copyProgress(done: number, total: number): void;
  note(text: string): void;
  /** A RUN's own output, passed through as the program wrote it. */
  output(chunk: Buffer): void;
  readonly quiet: boolean;
}

/** A build's progress as the CLI holds it: end() once the build is over (the live display stops). */
export interface BuildProgress extends Progress {
  end(ok: boolean): void;
}

export type ProgressMode = 'plain' | 'tty';

/** `auto` is tty when stderr is a terminal, plain otherwise, as BuildKit decides. */
export function progressMode(asked: 'auto' | 'plain' | 'tty' | undefined, stderrIsTerminal: boolean): ProgressMode {
  if (asked === 'plain' || asked === 'tty') return asked;
  return stderrIsTerminal ? 'tty' : 'plain';
}

/** Line by line: a step's line as it starts, `CACHED` or why it ran, a COPY's total once written,
 * a RUN's output as it comes. */
export function plainProgress(options: { quiet: boolean; terminal: boolean; write?: (s: string | Buffer) => void }): BuildProgress {
  const clean = (s: string) => (options.terminal ? terminalText(s) : s);
  const out = options.write ?? ((s: string | Buffer) => process.stderr.write(s));
  const write = (s: string | Buffer) => {
    if (!options.quiet) out(s);
  };
  let copied = false;
  return {
    quiet: options.quiet,
    step: (stage, n, total, text) => {
      copied = false;
      write(`[${clean(stage)} ${n}/${total}] ${clean(text)}\n`);
    },
    cache: (verdict) => write(verdict.cached ? 'CACHED\n' : `not cached: ${clean(verdict.reason)}\n`),
    copyProgress: (done, total) => {
      // One line when the last byte is written: a line per file would drown a log.
      if (copied || total === 0 || done < total) return;
      copied = true;
      write(`copied ${humanSize(total)}\n`);
    },
    note: (text) => write(`${clean(text)}\n`),
    output: (chunk) => write(chunk),
    end: () => {},
  };
}
