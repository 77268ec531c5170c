// One 512-byte tar header block: its fields, numbers and checksum. Formats read: v7, POSIX ustar
// (with the 155-byte name prefix), star (131-byte prefix) and GNU (old-GNU magic, base-256
// numbers). Extension records (PAX `x`/`g`, GNU `L`/`K`) are applied by header-sequence.ts; their
// syntax lives in pax.ts. Every string stays a byte string (latin1, one char per byte), never decoded.

export const BLOCK_SIZE = 512;

/** What an archive member is, after extension headers have been applied. */
export type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** One archive member as its headers describe it. Names are byte strings (latin1). */
export interface TarHeader {
  name: string;
  type: TarType;
  /** Permission bits including setuid, setgid and sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of content that follow the header (0 for header-only types, whatever the field says). */
  size: number;
  /** Seconds since the epoch; fractional when a PAX record gave it so; may be negative. */
  mtime: number;
  linkName: string;
  uname: string;
  gname: string;
  devMajor: number;
  devMinor: number;
  /** From PAX SCHILY.xattr.* / LIBARCHIVE.xattr.* records: name -> raw value. */
  xattrs: Map<string, Buffer> | undefined;
}

/** A header block exactly as written, before any extension record applies to it. */
export interface RawHeader {
  /** The typeflag byte as a one-char string ('\0' for old regular files). */
  typeflag: string;
  name: string;
  linkName: string;
  uname: string;
  gname: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  devMajor: number;
  devMinor: number;
}

/** A header that cannot be read; header-sequence.ts adds where it is in the archive. */
export class TarHeaderError extends Error {
  override name = 'TarHeaderError';
}

const ZERO = 0x30; // '0'
const SPACE = 0x20;

/** True when the 512 bytes at `off` are all zero (an end-of-archive block). */
export function isZeroBlock(buf: Uint8Array, off: number): boolean {
  for (let i = off; i < off + BLOCK_SIZE; i++) if (buf[i] !== 0) return false;
  return true;
}

/** The checksum a header block must carry: the unsigned byte sum with the checksum field read as
 * eight spaces. (Some old writers summed signed chars; `checksumMatches` accepts both.) */
export function headerChecksum(buf: Uint8Array, off: number): { unsigned: number; signed: number } {
  let unsigned = 8 * SPACE;
  let high = 0;
  for (let i = off; i < off + 148; i++) {
    unsigned += buf[i]!;
    if (buf[i]! > 127) high++;
  }
  for (let i = off + 156; i < off + BLOCK_SIZE; i++) {
    unsigned += buf[i]!;
    if (buf[i]! > 127) high++;
  }
  return { unsigned, signed: unsigned - 256 * high };
}

/** Does this block look like a tar header (valid checksum, or the ustar magic)? Used to tell a
 * plain tar from an unknown compression format. */
export function looksLikeHeader(buf: Uint8Array, off: number): boolean {
  if (buf.length - off < BLOCK_SIZE) return false;
  if (hasUstarMagic(buf, off)) return true;
  try {
    return checksumMatches(buf, off);
  } catch {
    return false;
  }
}

function hasUstarMagic(buf: Uint8Array, off: number): boolean {
  // "ustar" at 257, followed by NUL (POSIX) or a space (old GNU).
  return buf[off + 257] === 0x75 && buf[off + 258] === 0x73 && buf[off + 259] === 0x74 &&
    buf[off + 260] === 0x61 && buf[off + 261] === 0x72 && (buf[off + 262] === 0 || buf[off + 262] === SPACE);
}

function checksumMatches(buf: Uint8Array, off: number): boolean {
  const stored = parseOctal(buf, off + 148, 8, 'checksum');
  const sums = headerChecksum(buf, off);
  return stored === sums.unsigned || stored === sums.signed;
}

/** Decode one header block. Throws TarHeaderError for a bad checksum or a malformed number. */
export function parseHeaderBlock(buf: Uint8Array, off: number): RawHeader {
  if (!checksumMatches(buf, off)) throw new TarHeaderError('bad header checksum');
  const b = buf as Buffer;
  let name = cString(b, off, 100);
  let uname = '';
  let gname = '';
  if (hasUstarMagic(buf, off)) {
    uname = cString(b, off + 265, 32);
    gname = cString(b, off + 297, 32);
    // POSIX ustar ("ustar\0" "00") splits long names into prefix "/" name; old GNU ("ustar  \0")
    // keeps access/change times where the prefix would be, so it never has one. star keeps its
    // times in the prefix's last 24 bytes and marks itself with "tar\0" at 508.
    if (buf[off + 262] === 0) {
      const star = buf[off + 508] === 0x74 && buf[off + 509] === 0x61 && buf[off + 510] === 0x72 && buf[off + 511] === 0;
      const prefix = cString(b, off + 345, star ? 131 : 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }
  }
  return {
    typeflag: String.fromCharCode(buf[off + 156]!),
    name,
    linkName: cString(b, off + 157, 100),
    uname,
    gname,
    mode: parseNumber(buf, off + 100, 8, 'mode') & 0o7777,
    uid: parseNumber(buf, off + 108, 8, 'uid'),
    gid: parseNumber(buf, off + 116, 8, 'gid'),
    size: parseNumber(buf, off + 124, 12, 'size'),
    mtime: parseNumber(buf, off + 136, 12, 'mtime'),
    devMajor: parseNumber(buf, off + 329, 8, 'devmajor'),
    devMinor: parseNumber(buf, off + 337, 8, 'devminor'),
  };
}

/** A NUL-terminated field as a byte string. */
function cString(buf: Buffer, off: number, len: number): string {
  let end = off;
  const stop = off + len;
  while (end < stop && buf[end] !== 0) end++;
  return end === off ? '' : buf.toString('latin1', off, end);
}

/** A numeric field: octal ASCII, or GNU base-256 when the top bit of the first byte is set
 * (0x80: positive, 0xff: negative, two's complement). */
export function parseNumber(buf: Uint8Array, off: number, len: number, field: string): number {
  const first = buf[off]!;
  if ((first & 0x80) === 0) return parseOctal(buf, off, len, field);
  const negative = first === 0xff;
  if (!negative && first !== 0x80) throw new TarHeaderError(`invalid base-256 number in the ${field} field`);
  let value = 0;
  for (let i = off + 1; i < off + len; i++) {
    const byte = negative ? 0xff - buf[i]! : buf[i]!;
    value = value * 256 + byte;
    if (value > Number.MAX_SAFE_INTEGER) throw new TarHeaderError(`number in the ${field} field is too large`);
  }
  return negative ? -(value + 1) : value;
}

/** Octal digits with optional leading/trailing spaces and NULs (as Go's archive/tar reads them);
 * anything else inside the field is an error, never silently truncated. */
function parseOctal(buf: Uint8Array, off: number, len: number, field: string): number {
  let start = off;
  let end = off + len;
  while (start < end && (buf[start] === SPACE || buf[start] === 0)) start++;
  while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === 0)) end--;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 7) throw new TarHeaderError(`invalid number in the ${field} field`);
    value = value * 8 + d;
  }
  return value;
}

/** The member type a typeflag names, or undefined for extension and unsupported types.
 * `name` matters for the old convention: a '\0' regular file whose name ends in '/' is a dir. */
export function memberType(typeflag: string, name: string): TarType | undefined {
  switch (typeflag) {
    case '0': case '7': return 'file';
    case '\0': return name.endsWith('/') ? 'dir' : 'file';
    case '1': return 'hardlink';
    case '2': return 'symlink';
    case '3': return 'char';
    case '4': return 'block';
    case '5': return 'dir';
    case '6': return 'fifo';
    default: return undefined;
  }
}

/** Types whose size field says nothing about data: no content follows them, whatever the field
 * holds. Go's archive/tar (and so Docker) reads them this way; reading them any other way would
 * let one archive mean two different trees to two tools. */
export function isHeaderOnly(type: TarType): boolean {
  return type !== 'file';
}
