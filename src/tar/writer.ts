// A small streaming tar writer: POSIX ustar headers, with a PAX `x` record in front whenever a
// field cannot hold the value (names or link targets over 100 bytes or with a NUL, sizes and ids
// too big for octal, negative or fractional mtimes, xattrs). It writes what it is given, verbatim:
// hostile names (`..`, absolute, NUL) included — tests craft attacks with it, and checking names
// is the unpacker's job (import/safe-name.ts), not the writer's.
//
// Canonical mode (layers strata creates, export, save) makes the bytes a function of the entries
// alone: numeric owners only (no uname/gname), PAX records in a fixed order, the PAX header named
// after the entry, end-of-archive = two zero blocks and nothing more. Sorting the entries is the
// caller's job.

import type { TarType } from './header.js';
import { BLOCK_SIZE } from './header.js';
import { encodePaxRecords } from './pax.js';

export interface TarWriteEntry {
  /** Byte string (latin1), written as is. */
  readonly name: string;
  readonly type: TarType;
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
  /** Content length; only regular files carry content. */
  readonly size?: number;
  readonly mtime?: number;
  readonly linkName?: string;
  readonly uname?: string;
  readonly gname?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
  /** Extended attributes, written as SCHILY.xattr.NAME records, sorted by name. */
  readonly xattrs?: Readonly<Record<string, Uint8Array | string>>;
}

export interface TarWriterOptions {
  /** Reproducible output: numeric owners only, no uname/gname. */
  readonly canonical?: boolean;
}

/** Fields of one raw header block, for `encodeHeaderBlock`. Numbers that overflow octal are
 * written base-256 (GNU), so crafted archives can hold any value. */
export interface HeaderBlockFields {
  readonly typeflag: string;
  readonly name: string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly size?: number;
  readonly mtime?: number;
  readonly linkName?: string;
  readonly uname?: string;
  readonly gname?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
  /** ustar name prefix (155 bytes): joined to `name` with a "/" by readers. */
  readonly prefix?: string;
  /** 'ustar' (default): "ustar\0" "00"; 'gnu': "ustar  \0"; 'v7': no magic. */
  readonly magic?: 'ustar' | 'gnu' | 'v7';
}

const TYPEFLAG: Record<TarType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

/** One 512-byte header block with its checksum. */
export function encodeHeaderBlock(f: HeaderBlockFields): Buffer {
  const b = Buffer.allocUnsafe(BLOCK_SIZE);
  writeHeaderBlock(b, 0, f);
  return b;
}

/** One header block with its checksum, written over the 512 bytes of `b` at `off`. Byte by byte
 * in JavaScript, summing the checksum on the way: a Buffer.write per field crosses into C++ each
 * time, and that was most of the cost of a header when export writes one per file. */
export function writeHeaderBlock(b: Buffer, off: number, f: HeaderBlockFields): void {
  b.fill(0, off, off + BLOCK_SIZE);
  // The checksum counts its own field as eight spaces.
  let sum = 8 * 0x20;
  sum += writeString(b, off, 100, f.name);
  sum += writeNumber(b, off + 100, 8, f.mode ?? 0);
  sum += writeNumber(b, off + 108, 8, f.uid ?? 0);
  sum += writeNumber(b, off + 116, 8, f.gid ?? 0);
  sum += writeNumber(b, off + 124, 12, f.size ?? 0);
  sum += writeNumber(b, off + 136, 12, f.mtime ?? 0);
  sum += writeString(b, off + 156, 1, f.typeflag);
  sum += writeString(b, off + 157, 100, f.linkName ?? '');
  const magic = f.magic ?? 'ustar';
  if (magic !== 'v7') {
    sum += writeString(b, off + 257, 8, magic === 'ustar' ? 'ustar\x0000' : 'ustar  \x00');
    sum += writeString(b, off + 265, 32, f.uname ?? '');
    sum += writeString(b, off + 297, 32, f.gname ?? '');
    sum += writeNumber(b, off + 329, 8, f.devMajor ?? 0);
    sum += writeNumber(b, off + 337, 8, f.devMinor ?? 0);
    if (f.prefix) sum += writeString(b, off + 345, 155, f.prefix);
  }
  // Six octal digits, a NUL and a space, as GNU tar writes it.
  for (let i = off + 153; i >= off + 148; i--) {
    b[i] = 0x30 + (sum & 7);
    sum >>>= 3;
  }
  b[off + 155] = 0x20;
}

/** A byte string into a (zeroed) field, cut to its length; returns the sum of the bytes. */
function writeString(b: Buffer, off: number, len: number, s: string): number {
  const n = Math.min(len, s.length);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) & 0xff;
    b[off + i] = c;
    sum += c;
  }
  return sum;
}

/** The largest value + 1 that `len - 1` octal digits hold, for the field lengths tar has. */
const OCTAL_LIMIT: Readonly<Record<number, number>> = { 8: 8 ** 7, 12: 8 ** 11 };

/** Octal with a NUL terminator when it fits, else base-256 (0x80 or 0xff first byte), into a
 * zeroed field; returns the sum of the bytes. */
function writeNumber(b: Buffer, off: number, len: number, value: number): number {
  if (!Number.isInteger(value)) throw new RangeError(`tar header number ${value} is not an integer`);
  let sum = 0;
  if (value >= 0 && value < OCTAL_LIMIT[len]!) {
    // Integer arithmetic while the value fits 31 bits (nearly always), then float.
    let v = value;
    let i = off + len - 2;
    for (; v > 0x7fffffff; i--) {
      const digit = v % 8;
      b[i] = 0x30 + digit;
      sum += 0x30 + digit;
      v = (v - digit) / 8;
    }
    for (; i >= off; i--) {
      b[i] = 0x30 + (v & 7);
      sum += 0x30 + (v & 7);
      v >>>= 3;
    }
    return sum;
  }
  let v = value < 0 ? -(value + 1) : value;
  for (let i = off + len - 1; i > off; i--) {
    const byte = v % 256;
    b[i] = value < 0 ? 0xff - byte : byte;
    sum += b[i]!;
    v = Math.floor(v / 256);
  }
  b[off] = value < 0 ? 0xff : 0x80;
  return sum + b[off]!;
}

const fitsOctal = (value: number, len: number): boolean => Number.isInteger(value) && value >= 0 && value < OCTAL_LIMIT[len]!;

/** The header blocks for one entry: a PAX `x` header and its records when needed, then ustar. */
export function encodeEntryHeader(e: TarWriteEntry, options: TarWriterOptions = {}): Buffer {
  const records = paxRecords(e, options);
  const ustar = encodeHeaderBlock(ustarFields(e, options));
  if (records.length === 0) return ustar;
  const data = encodePaxRecords(records);
  const pax = encodeHeaderBlock({ typeflag: 'x', name: paxHeaderName(e.name), mode: 0o644, size: data.length });
  return Buffer.concat([pax, data, zeros(paddingSize(data.length)), ustar]);
}

/** encodeEntryHeader written into `target` at `offset`: the length of the header blocks, or -1
 * (nothing written) when they do not fit there. An entry that needs no PAX record, nearly every
 * one, is written in place without a buffer of its own. */
export function writeEntryHeader(target: Buffer, offset: number, e: TarWriteEntry, options: TarWriterOptions = {}): number {
  if (needsPax(e, options)) {
    const bytes = encodeEntryHeader(e, options);
    if (bytes.length > target.length - offset) return -1;
    target.set(bytes, offset);
    return bytes.length;
  }
  if (BLOCK_SIZE > target.length - offset) return -1;
  writeHeaderBlock(target, offset, ustarFields(e, options));
  return BLOCK_SIZE;
}

/** Whether paxRecords has any record for the entry, without making them. */
function needsPax(e: TarWriteEntry, options: TarWriterOptions): boolean {
  return e.name.length > 100 || e.name.includes('\0') ||
    (e.linkName !== undefined && (e.linkName.length > 100 || e.linkName.includes('\0'))) ||
    (e.type === 'file' && !fitsOctal(e.size ?? 0, 12)) ||
    !fitsOctal(e.uid ?? 0, 8) || !fitsOctal(e.gid ?? 0, 8) || !fitsOctal(e.mtime ?? 0, 12) ||
    (!options.canonical && ((e.uname ?? '').length > 32 || (e.gname ?? '').length > 32)) ||
    e.xattrs !== undefined && Object.keys(e.xattrs).length > 0;
}

/** The PAX records an entry needs: every value its ustar fields cannot hold, and its xattrs. */
function paxRecords(e: TarWriteEntry, options: TarWriterOptions): Array<[string, string | Uint8Array]> {
  const size = e.type === 'file' ? e.size ?? 0 : 0;
  const uid = e.uid ?? 0;
  const gid = e.gid ?? 0;
  const mtime = e.mtime ?? 0;
  const linkName = e.linkName ?? '';
  const records: Array<[string, string | Uint8Array]> = [];
  if (e.name.length > 100 || e.name.includes('\0')) records.push(['path', e.name]);
  if (linkName.length > 100 || linkName.includes('\0')) records.push(['linkpath', linkName]);
  if (!fitsOctal(size, 12)) records.push(['size', String(size)]);
  if (!fitsOctal(uid, 8)) records.push(['uid', String(uid)]);
  if (!fitsOctal(gid, 8)) records.push(['gid', String(gid)]);
  if (!fitsOctal(mtime, 12)) records.push(['mtime', formatTime(mtime)]);
  if (!options.canonical) {
    if ((e.uname ?? '').length > 32) records.push(['uname', e.uname!]);
    if ((e.gname ?? '').length > 32) records.push(['gname', e.gname!]);
  }
  if (e.xattrs !== undefined) {
    for (const name of Object.keys(e.xattrs).sort()) {
      const value = e.xattrs[name]!;
      records.push([`SCHILY.xattr.${Buffer.from(name, 'utf8').toString('latin1')}`, typeof value === 'string' ? Buffer.from(value, 'utf8') : value]);
    }
  }
  // POSIX wants UTF-8 in PAX strings; raw bytes are allowed when hdrcharset says so.
  if (records.some(([k, v]) => (k === 'path' || k === 'linkpath') && !isUtf8(v as string))) records.unshift(['hdrcharset', 'BINARY']);
  return records;
}

/** The ustar block's fields: values that need a PAX record are cut or zeroed there. */
function ustarFields(e: TarWriteEntry, options: TarWriterOptions): HeaderBlockFields {
  const size = e.type === 'file' ? e.size ?? 0 : 0;
  const uid = e.uid ?? 0;
  const gid = e.gid ?? 0;
  const mtime = e.mtime ?? 0;
  const linkName = e.linkName ?? '';
  const uname = options.canonical ? '' : e.uname ?? '';
  const gname = options.canonical ? '' : e.gname ?? '';
  return {
    typeflag: TYPEFLAG[e.type],
    name: e.name.length > 100 ? e.name.slice(0, 100) : e.name,
    mode: e.mode & 0o7777,
    uid: fitsOctal(uid, 8) ? uid : 0,
    gid: fitsOctal(gid, 8) ? gid : 0,
    size: fitsOctal(size, 12) ? size : 0,
    mtime: fitsOctal(mtime, 12) ? mtime : fitsOctal(Math.floor(mtime), 12) ? Math.floor(mtime) : 0,
    linkName: linkName.length > 100 ? linkName.slice(0, 100) : linkName,
    uname: uname.slice(0, 32),
    gname: gname.slice(0, 32),
    devMajor: e.devMajor ?? 0,
    devMinor: e.devMinor ?? 0,
  };
}

/** "PaxHeaders/<last component>", cut to fit the name field: deterministic, as Go names them. */
function paxHeaderName(name: string): string {
  const trimmed = name.replace(/\/+$/, '').replace(/\0/g, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return `PaxHeaders/${base}`.slice(0, 100);
}

function formatTime(t: number): string {
  if (Number.isInteger(t)) return String(t);
  return t.toFixed(9).replace(/0+$/, '');
}

function isUtf8(byteString: string): boolean {
  const buf = Buffer.from(byteString, 'latin1');
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}

export function paddingSize(size: number): number {
  return (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
}

function zeros(n: number): Buffer {
  return Buffer.alloc(n);
}

/** Streams an archive into `sink`: add() whole entries, or beginEntry() + write() for content
 * that arrives in pieces (the writer checks the byte count), then finish(). */
export class TarWriter {
  private pending = 0;
  private padding = 0;
  private finished = false;

  constructor(private readonly sink: (chunk: Buffer) => void, private readonly options: TarWriterOptions = {}) {}

  add(entry: TarWriteEntry, content?: Uint8Array): void {
    const size = entry.type === 'file' ? content?.length ?? entry.size ?? 0 : 0;
    this.beginEntry({ ...entry, size });
    if (content && content.length > 0) this.write(content);
    this.endEntry();
  }

  beginEntry(entry: TarWriteEntry): void {
    if (this.finished) throw new Error('tar writer: entry after finish()');
    if (this.pending !== 0) throw new Error('tar writer: previous entry is incomplete');
    this.sink(encodeEntryHeader(entry, this.options));
    const size = entry.type === 'file' ? entry.size ?? 0 : 0;
    this.pending = size;
    this.padding = paddingSize(size);
    if (size === 0) this.endEntry();
  }

  write(chunk: Uint8Array): void {
    if (chunk.length > this.pending) throw new Error('tar writer: more content than the entry size');
    this.pending -= chunk.length;
    this.sink(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (this.pending === 0) this.endEntry();
  }

  /** Raw bytes straight into the archive (tests: extension headers, malformed blocks). */
  writeRaw(bytes: Uint8Array): void {
    this.sink(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  private endEntry(): void {
    if (this.pending !== 0) throw new Error('tar writer: entry content is incomplete');
    if (this.padding > 0) this.sink(zeros(this.padding));
    this.padding = 0;
  }

  /** Two zero blocks end the archive. */
  finish(): void {
    if (this.pending !== 0) throw new Error('tar writer: entry content is incomplete');
    this.finished = true;
    this.sink(zeros(2 * BLOCK_SIZE));
  }
}
