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
  /** A GNU sparse file (sparse.ts): `size` bytes of stored regions make a file of `realSize`. */
  sparse: SparseFile | undefined;
}

export interface SparseRegion {
  /** Where the region goes in the file. */
  readonly offset: number;
  /** How many stored bytes it takes. */
  readonly length: number;
}

/** What sparse.ts reads of a GNU sparse member's map. */
export interface SparseFile {
  readonly realSize: number;
  /** In the order the data holds them; undefined while a PAX 1.0 map is still to be read. */
  regions: SparseRegion[] | undefined;
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
  const typeflag = String.fromCharCode(buf[off + 156]!);
  const size = parseNumber(buf, off + 124, 12, 'size');
  // A negative base-256 size: GNU tar calls it out of range and stops.
  if (size < 0) throw new TarHeaderError('negative size');
  const isDevice = typeflag === '3' || typeflag === '4';
  return {
    typeflag,
    name,
    linkName: cString(b, off + 157, 100),
    uname,
    gname,
    mode: parseNumber(buf, off + 100, 8, 'mode') & 0o7777,
    uid: parseNumber(buf, off + 108, 8, 'uid'),
    gid: parseNumber(buf, off + 116, 8, 'gid'),
    size,
    mtime: parseNumber(buf, off + 136, 12, 'mtime'),
    // GNU tar reads the device numbers of devices only: elsewhere the fields may hold anything.
    devMajor: isDevice ? parseNumber(buf, off + 329, 8, 'devmajor') : 0,
    devMinor: isDevice ? parseNumber(buf, off + 337, 8, 'devminor') : 0,
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

/** Octal digits read as GNU tar reads them (from_header): one leading NUL is skipped (some old
 * writers let the previous field overflow into it), then spaces; the digits end at the first NUL or
 * space, and whatever follows that is not read. A field that is all NULs is 0; one of blanks, or
 * with anything but a NUL or space after its digits ("0030816"), is an error, as it is for GNU
 * tar. Reading the digits any other way would give a member another size than GNU tar gives it,
 * and everything after it another meaning. */
function parseOctal(buf: Uint8Array, off: number, len: number, field: string): number {
  const lim = off + len;
  let i = off;
  if (buf[i] === 0) i++;
  while (i < lim && isSpace(buf[i]!)) i++;
  if (i === lim) throw new TarHeaderError(`blanks where the ${field} field needs a number`);
  let value = 0;
  while (i < lim && buf[i]! >= ZERO && buf[i]! <= ZERO + 7) {
    value = value * 8 + buf[i++]! - ZERO;
    if (value > Number.MAX_SAFE_INTEGER) throw new TarHeaderError(`number in the ${field} field is too large`);
  }
  if (i < lim && buf[i] !== 0 && !isSpace(buf[i]!)) throw new TarHeaderError(`invalid number in the ${field} field`);
  return value;
}

/** C's isspace() in the C locale. */
function isSpace(byte: number): boolean {
  return byte === SPACE || (byte >= 0x09 && byte <= 0x0d);
}

/** The member type a typeflag names, as GNU tar extracts it; undefined for the types it refuses
 * to extract (a continuation of another volume, the obsolete GNU 'N'). Extension types are the
 * header sequence's, never asked here. `name` matters for the old convention: a '\0' regular
 * file whose name ends in '/' is a dir. */
export function memberType(typeflag: string, name: string): TarType | undefined {
  switch (typeflag) {
    case '\0': return name.endsWith('/') ? 'dir' : 'file';
    case '1': return 'hardlink';
    case '2': return 'symlink';
    case '3': return 'char';
    case '4': return 'block';
    case '5': case 'D': return 'dir';
    case '6': return 'fifo';
    case 'M': case 'N': return undefined;
    // '0', '7' (contiguous), 'S' (sparse), and every type GNU tar does not know: "Unknown file
    // type, extracted as normal file".
    default: return 'file';
  }
}

/** Types whose size field says nothing about data: no content follows them, whatever the field
 * holds. Go's archive/tar (and so Docker) reads them this way; reading them any other way would
 * let one archive mean two different trees to two tools. */
export function isHeaderOnly(type: TarType): boolean {
  return type !== 'file';
}
