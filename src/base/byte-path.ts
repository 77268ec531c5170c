// Paths inside images are byte strings: a tar entry's name need not be valid UTF-8, and strata
// keeps such names exactly. Inside strata a path is a JS string holding one character per byte
// (latin1), so no byte is ever lost or merged, '/' is still '/', and sorting by code unit is
// sorting by bytes (the order `LC_ALL=C sort` and tar use). Conversions happen only at the edges:
// user input, file-system calls and display.

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

/** A byte string for display: decoded as UTF-8, invalid bytes shown as \xNN. */
export function displayPath(bytePath: string): string {
  const buf = bufferOf(bytePath);
  const text = buf.toString('utf8');
  if (!text.includes('\uFFFD') || Buffer.from(text, 'utf8').equals(buf)) return text;
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const len = utf8SequenceLength(buf, i);
    if (len === 0) {
      out += `\\x${buf[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    } else {
      out += buf.subarray(i, i + len).toString('utf8');
      i += len;
    }
  }
  return out;
}

function utf8SequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  const need = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need > buf.length) return 0;
  for (let k = 1; k < need; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return 0;
  const text = buf.subarray(i, i + need).toString('utf8');
  return text.includes('\uFFFD') ? 0 : need;
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
