// One line of text in pieces, each with its own style: what every row of the TUI is made of.
// Widths count code points (names in images are mostly ASCII; Ink's truncation is the backstop).

export type Tone = 'added' | 'modified' | 'removed' | 'accent' | 'muted' | 'warning' | 'error';

export interface Segment {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
}

export type Line = readonly Segment[];

export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `text` cut to `width` (with "…" when cut) and padded with spaces to exactly `width`. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length > width) return chars.slice(0, width - 1).join('') + '…';
  return text + ' '.repeat(width - chars.length);
}

/** Right-aligned in `width`. */
export function fitRight(text: string, width: number): string {
  const w = textWidth(text);
  return w >= width ? fit(text, width) : ' '.repeat(width - w) + text;
}

/** The line cut (ending in "…") to at most `width` columns, and padded to exactly that when `pad`
 * (a highlighted row spans the width; others are not padded: every character costs Ink time). */
export function fitLine(line: Line, width: number, pad = true): Line {
  if (width <= 0) return [];
  const total = line.reduce((n, seg) => n + textWidth(seg.text), 0);
  if (total <= width) return total === width || !pad ? line : [...line, { text: ' '.repeat(width - total) }];
  const out: Segment[] = [];
  let left = width - 1;
  for (const seg of line) {
    const chars = [...seg.text];
    if (chars.length >= left) {
      out.push({ ...seg, text: chars.slice(0, left).join('') + '…' });
      return out;
    }
    out.push(seg);
    left -= chars.length;
  }
  return out;
}

/** The line broken into rows of `width` columns, each row after the first starting with `indent`
 * spaces (a long name read whole on the selected row). A line that fits is one row. */
export function wrapLine(line: Line, width: number, indent: number): Line[] {
  if (width <= 0) return [];
  const total = line.reduce((n, seg) => n + textWidth(seg.text), 0);
  if (total <= width) return [line];
  const pad = Math.min(indent, Math.floor(width / 2));
  const rows: Segment[][] = [[]];
  let left = width;
  for (const seg of line) {
    let chars = [...seg.text];
    while (chars.length > 0) {
      if (left === 0) {
        rows.push(pad > 0 ? [{ text: ' '.repeat(pad) }] : []);
        left = width - pad;
      }
      const take = chars.slice(0, left);
      rows[rows.length - 1]!.push({ ...seg, text: take.join('') });
      left -= take.length;
      chars = chars.slice(take.length);
    }
  }
  return rows;
}

/** "1 path", "2 paths": a count and its noun, singular or plural. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export function plain(text: string, tone?: Tone): Line {
  return [tone ? { text, tone } : { text }];
}
