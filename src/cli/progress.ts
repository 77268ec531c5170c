// Progress on stderr, only when stderr is a terminal (docs/DESIGN.md §6): bytes and entries, redrawn in
// place at most ten times a second.

import { humanSize } from '../base/format.js';

export interface Progress {
  update(bytes: number, entries: number): void;
  done(): void;
}

export function progressReporter(label: string): Progress | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  let drawn = false;
  return {
    update(bytes, entries) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      drawn = true;
      process.stderr.write(`\r\x1b[K${label}: ${humanSize(bytes)}, ${entries} entries`);
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
