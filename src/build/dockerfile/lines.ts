// Joining an instruction's physical lines into the logical line Docker's parser reads: a line
// that ends in the escape character (blanks after it allowed) continues on the next; comment lines
// and empty lines inside a continuation are skipped; nothing else is trimmed, so the blanks on
// either side of a line break stay (BuildKit's parser.Parse). Heredoc bodies are read here too:
// raw lines up to the delimiter, nothing joined or skipped.

import type { Heredoc } from './instruction.js';

export interface LogicalLine {
  readonly text: string;
  /** Index of its last physical line. */
  readonly end: number;
  /** An empty line inside the continuation (BuildKit warns about these). */
  readonly emptyContinuation: boolean;
}

const isComment = (line: string) => /^[\t\v\f\r ]*#/.test(line);
const isBlank = (line: string) => /^[\t\v\f\r ]*$/.test(line);

function continued(line: string, escape: string): string | undefined {
  const trailing = new RegExp(`${escape.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')}[ \\t]*$`);
  const m = trailing.exec(line);
  return m ? line.slice(0, m.index) : undefined;
}

/** The logical line starting at physical line `start` (which holds the keyword). */
export function logicalLine(lines: readonly string[], start: number, escape: string): LogicalLine {
  const first = lines[start]!.replace(/^[\t\v\f\r ]+/, '');
  let cut = continued(first, escape);
  let text = cut ?? first;
  let i = start;
  let emptyContinuation = false;
  while (cut !== undefined && i + 1 < lines.length) {
    const line = lines[++i]!;
    if (isComment(line)) continue;
    if (isBlank(line)) {
      emptyContinuation = true;
      continue;
    }
    cut = continued(line, escape);
    text += cut ?? line;
  }
  return { text, end: i, emptyContinuation };
}

export interface HeredocHead {
  readonly name: string;
  readonly expand: boolean;
  readonly chomp: boolean;
  readonly fd: number;
}

/** Bodies of `heads`, in order, from the line after `after`; undefined when one is unterminated. */
export function heredocBodies(lines: readonly string[], after: number, heads: readonly HeredocHead[]): { docs: Heredoc[]; end: number } | undefined {
  const docs: Heredoc[] = [];
  let i = after;
  for (const head of heads) {
    let content = '';
    let terminated = false;
    while (i + 1 < lines.length) {
      const line = lines[++i]!;
      const candidate = head.chomp ? line.replace(/^\t+/, '') : line;
      if (candidate === head.name) {
        terminated = true;
        break;
      }
      content += (head.chomp ? line.replace(/^\t+/, '') : line) + '\n';
    }
    if (!terminated) return undefined;
    docs.push({ ...head, content });
  }
  return { docs, end: i };
}
