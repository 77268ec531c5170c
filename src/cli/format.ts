// Columns padded like tabwriter, as Docker's lists are (the values in them: base/format.ts). Table
// cells carry text from images, so they let no control character through (base/terminal-text.ts).

import { bufferOf, displayPath } from '../base/byte-path.js';
import { terminalText } from '../base/terminal-text.js';

/** Rows padded into columns separated by three spaces (Docker's tabwriter look); control
 * characters in cells shown escaped, so a cell stays in its column and acts on no terminal. */
export function table(header: readonly string[], cellRows: readonly (readonly string[])[]): string {
  const rows = cellRows.map((r) => r.map(terminalText));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** A name from an image as a list prints it (ls, tree, diff): its exact bytes to a pipe or a file,
 * as GNU ls prints them, for scripts; escaped on a terminal (displayPath), which a name must not
 * drive. */
export function nameBytes(terminal: boolean, name: string): Buffer {
  return terminal ? Buffer.from(displayPath(name)) : bufferOf(name);
}
