// Progress on stderr, only when stderr is a terminal (docs/DESIGN.md §6): bytes and entries, redrawn in
// place at most ten times a second. Redrawn with a carriage return and an erase-line escape; with
// NO_COLOR set, which asks for no escapes, the old line is blanked with spaces instead.

import { humanSize } from '../base/format.js';

export interface Progress {
  update(bytes: number, entries: number): void;
  done(): void;
}

export function progressReporter(label: string): Progress | undefined {
  if (!process.stderr.isTTY) return undefined;
  const plain = (process.env.NO_COLOR ?? '') !== '';
  let last = 0;
  let width = 0;
  const draw = (text: string) => {
    process.stderr.write(plain ? `\r${text.padEnd(width)}` : `\r\x1b[K${text}`);
    width = Math.max(width, text.length);
  };
  return {
    update(bytes, entries) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(`${label}: ${humanSize(bytes)}, ${entries} entries`);
    },
    done() {
      if (width === 0) return;
      draw('');
      process.stderr.write('\r');
    },
  };
}
