// Paths inside images are byte strings: a tar entry's name need not be valid UTF-8, and strata
// keeps such names exactly. Inside strata a path is a JS string holding one character per byte
// (latin1), so no byte is ever lost or merged, '/' is still '/', and sorting by code unit is
// sorting by bytes (the order `LC_ALL=C sort` and tar use). Conversions happen only at the edges:
// user input, file-system calls and display.

import { UsageError } from './errors.js';
import { terminalText } from './terminal-text.js';

/** A normalized absolute path inside an image, one char per byte: "/", "/etc", "/etc/passwd". */
export type BytePath = string & { readonly __bytePath: unique symbol };

export const ROOT = '/' as BytePath;

/** Bytes -> BytePath (no normalization). */
export function bytePathFromBuffer(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1');
}

/** A path typed by a user (UTF-8 in a JS string) -> byte string. */
export function bytesOfUserString(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** The raw bytes of a byte string, for file-system calls and binary output. */
export function bufferOf(bytePath: string): Buffer {
  return Buffer.from(bytePath, 'latin1');
}

// A name as text, and back. Names that are valid UTF-8 read as themselves; a byte that is not part
// of valid UTF-8 is written \xNN, and a backslash is written \\ so that the four characters
// "\xe9" (written "\\xe9") never read as the byte 0xE9 (written "\xe9"). Every byte string has
// exactly one text form and the text form gives the bytes back: it is how `--json` prints names
// and how a user writes one in REF:PATH or CONTAINER:PATH. On a terminal, control characters are
// escaped as well (displayPath), in the same \xNN form, so what is shown can be typed back.

/** The text form of a byte string: UTF-8 decoded, "\" as "\\", bytes of invalid UTF-8 as \xNN.
 * Control characters are kept (JSON escapes them; a terminal needs displayPath). */
export function escapePath(bytePath: string): string {
  if (/^[\x00-\x5b\x5d-\x7f]*$/.test(bytePath)) return bytePath;
  const buf = bufferOf(bytePath);
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const len = utf8SequenceLength(buf, i);
    if (len === 0) {
      out += `\\x${buf[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    } else {
      const text = buf.subarray(i, i + len).toString('utf8');
      out += text === '\\' ? '\\\\' : text;
      i += len;
    }
  }
  return out;
}

/** The bytes of a path written in the text form (escapePath's inverse): UTF-8, where "\\" is a
 * backslash and "\xNN" the byte NN. Any other backslash is refused rather than guessed at. */
export function unescapePath(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', from)) {
    out += bytesOfUserString(text.slice(from, at));
    if (text[at + 1] === '\\') {
      out += '\\';
      from = at + 2;
    } else if (text[at + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(at + 2, at + 4))) {
      out += String.fromCharCode(parseInt(text.slice(at + 2, at + 4), 16));
      from = at + 4;
    } else {
      throw new UsageError(`"${text}": in a path, a backslash is written \\\\ and \\xNN is the byte NN (hex)`);
    }
  }
  return out + bytesOfUserString(text.slice(from));
}

/** A byte string for a terminal: the text form with control characters escaped too, so nothing in
 * it is acted on by the terminal, and what is shown is what REF:PATH accepts. */
export function displayPath(bytePath: string): string {
  return /^[\x20-\x5b\x5d-\x7e]*$/.test(bytePath) ? bytePath : terminalText(escapePath(bytePath));
}

/** How many bytes the UTF-8 sequence at `i` takes, or 0 when it is not valid UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
function utf8SequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  if (b < 0x80) return 1;
  const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need > buf.length) return 0;
  const second = buf[i + 1]!;
  const [low, high] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
  if (second < low || second > high) return 0;
  for (let k = 2; k < need; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return 0;
  return need;
}

/** Parent of a normalized absolute path ("/" is its own parent). */
export function parentOf(p: BytePath): BytePath {
  const i = p.lastIndexOf('/');
  return (i <= 0 ? '/' : p.slice(0, i)) as BytePath;
}

/** Last component of a normalized absolute path ("" for "/"). */
export function baseName(p: BytePath): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Join a normalized absolute directory and one component. */
export function joinPath(dir: BytePath, name: string): BytePath {
  return (dir === '/' ? `/${name}` : `${dir}/${name}`) as BytePath;
}

/** Lexical normalization of a trusted absolute-or-relative path to the BytePath form: collapses
 * "//" and ".", and resolves ".." lexically, never above "/". Untrusted archive names go through
 * safe-name.ts instead, which refuses what this silently clamps. */
export function normalizePath(p: string): BytePath {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return ('/' + out.join('/')) as BytePath;
}
