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
import { BLOCK_SIZE, headerChecksum } from './header.js';
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
  const b = Buffer.alloc(BLOCK_SIZE);
  b.write(f.name, 0, 100, 'latin1');
  writeNumber(b, 100, 8, f.mode ?? 0);
  writeNumber(b, 108, 8, f.uid ?? 0);
  writeNumber(b, 116, 8, f.gid ?? 0);
  writeNumber(b, 124, 12, f.size ?? 0);
  writeNumber(b, 136, 12, f.mtime ?? 0);
  b.write(f.typeflag, 156, 1, 'latin1');
  b.write(f.linkName ?? '', 157, 100, 'latin1');
  const magic = f.magic ?? 'ustar';
  if (magic !== 'v7') {
    b.write(magic === 'ustar' ? 'ustar\x0000' : 'ustar  \x00', 257, 8, 'latin1');
    b.write(f.uname ?? '', 265, 32, 'latin1');
    b.write(f.gname ?? '', 297, 32, 'latin1');
    writeNumber(b, 329, 8, f.devMajor ?? 0);
    writeNumber(b, 337, 8, f.devMinor ?? 0);
    if (f.prefix) b.write(f.prefix, 345, 155, 'latin1');
  }
  const { unsigned } = headerChecksum(b, 0);
  b.write(`${unsigned.toString(8).padStart(6, '0')}\x00 `, 148, 8, 'latin1');
  return b;
}

/** Octal with a NUL terminator when it fits, else base-256 (0x80 or 0xff first byte). */
function writeNumber(b: Buffer, off: number, len: number, value: number): void {
  if (!Number.isInteger(value)) throw new RangeError(`tar header number ${value} is not an integer`);
  if (value >= 0 && value < 8 ** (len - 1)) {
    b.write(value.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
    return;
  }
  let v = value < 0 ? -(value + 1) : value;
  for (let i = off + len - 1; i > off; i--) {
    const byte = v % 256;
    b[i] = value < 0 ? 0xff - byte : byte;
    v = Math.floor(v / 256);
  }
  b[off] = value < 0 ? 0xff : 0x80;
}

const fitsOctal = (value: number, len: number): boolean => Number.isInteger(value) && value >= 0 && value < 8 ** (len - 1);

/** The header blocks for one entry: a PAX `x` header and its records when needed, then ustar. */
export function encodeEntryHeader(e: TarWriteEntry, options: TarWriterOptions = {}): Buffer {
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
  const uname = options.canonical ? '' : e.uname ?? '';
  const gname = options.canonical ? '' : e.gname ?? '';
  if (uname.length > 32) records.push(['uname', uname]);
  if (gname.length > 32) records.push(['gname', gname]);
  for (const name of Object.keys(e.xattrs ?? {}).sort()) {
    const value = e.xattrs![name]!;
    records.push([`SCHILY.xattr.${Buffer.from(name, 'utf8').toString('latin1')}`, typeof value === 'string' ? Buffer.from(value, 'utf8') : value]);
  }
  // POSIX wants UTF-8 in PAX strings; raw bytes are allowed when hdrcharset says so.
  if (records.some(([k, v]) => (k === 'path' || k === 'linkpath') && !isUtf8(v as string))) records.unshift(['hdrcharset', 'BINARY']);
  const ustar = encodeHeaderBlock({
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
  });
  if (records.length === 0) return ustar;
  const data = encodePaxRecords(records);
  const pax = encodeHeaderBlock({ typeflag: 'x', name: paxHeaderName(e.name), mode: 0o644, size: data.length });
  return Buffer.concat([pax, data, zeros(paddingSize(data.length)), ustar]);
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
