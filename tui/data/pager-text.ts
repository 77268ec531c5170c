// What the pager shows of a file's bytes: its lines when it is text (UTF-8, no NUL in its first
// 8 KB, as less and git decide), else a hex dump, 16 bytes a row with their printable characters
// beside them (hexdump -C's layout). Tabs become spaces to the next multiple of 8, so that a row
// is cut where the screen shows it; every other control character is escaped where it is drawn.

export type PagerKind = 'text' | 'hex';

export interface PagerText {
  readonly kind: PagerKind;
  readonly lines: readonly string[];
}

const SNIFF = 8000;

export function isText(bytes: Buffer): boolean {
  if (bytes.subarray(0, SNIFF).includes(0)) return false;
  try {
    // `stream`: a file cut at the pager's limit may end inside a character.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export function pagerText(bytes: Buffer): PagerText {
  if (isText(bytes)) return { kind: 'text', lines: textLines(bytes.toString('utf8')) };
  return { kind: 'hex', lines: hexLines(bytes) };
}

export function textLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map(expandTabs);
}

function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

export function hexLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const chars = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${chars}|`);
  }
  return lines;
}
