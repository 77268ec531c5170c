// How values read in Docker's output: sizes in decimal units with three significant digits,
// times as "N units ago", ids as 12 hex digits, columns padded like tabwriter. Table cells and JSON
// carry text from images, so neither lets a control character through (base/terminal-text.ts).

import { bufferOf, displayPath } from '../base/byte-path.js';
import { terminalText } from '../base/terminal-text.js';

export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

export function timeAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'N/A';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'N/A';
  const s = Math.max(0, (now - t) / 1000);
  const span = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (s < 1) return 'Less than a second ago';
  if (s < 60) return span(Math.floor(s), 'second');
  if (s < 120) return 'About a minute ago';
  if (s < 3600) return span(Math.floor(s / 60), 'minute');
  if (s < 7200) return 'About an hour ago';
  if (s < 86400 * 2) return span(Math.floor(s / 3600), 'hour');
  if (s < 86400 * 14) return span(Math.floor(s / 86400), 'day');
  if (s < 86400 * 60) return span(Math.floor(s / 86400 / 7), 'week');
  if (s < 86400 * 365 * 2) return span(Math.floor(s / 86400 / 30), 'month');
  return span(Math.floor(s / 86400 / 365), 'year');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Rows padded into columns separated by three spaces (Docker's tabwriter look); control
 * characters in cells shown escaped, so a cell stays in its column and acts on no terminal. */
export function table(header: readonly string[], cellRows: readonly (readonly string[])[]): string {
  const rows = cellRows.map((r) => r.map(terminalText));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Octal mode plus type letter, as `ls -l` shows it. */
export function modeString(type: string, mode: number): string {
  const t = { dir: 'd', symlink: 'l', char: 'c', block: 'b', fifo: 'p', file: '-' }[type] ?? '?';
  const rwx = (bits: number, special: boolean, s: string, S: string) =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? s : S) : bits & 1 ? 'x' : '-');
  return t + rwx((mode >> 6) & 7, (mode & 0o4000) !== 0, 's', 'S') + rwx((mode >> 3) & 7, (mode & 0o2000) !== 0, 's', 'S') + rwx(mode & 7, (mode & 0o1000) !== 0, 't', 'T');
}

/** JSON text of `value`, with DEL and the C1 controls written as \u escapes as well as C0 (which
 * JSON.stringify escapes alone): the same value, and nothing in it a terminal would act on. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A name from an image as a list prints it (ls, tree, diff): its exact bytes to a pipe or a file,
 * as GNU ls prints them, for scripts; escaped on a terminal (displayPath), which a name must not
 * drive. */
export function nameBytes(terminal: boolean, name: string): Buffer {
  return terminal ? Buffer.from(displayPath(name)) : bufferOf(name);
}
