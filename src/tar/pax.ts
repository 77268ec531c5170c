// PAX extended-header records ("%d %s=%s\n", the length counting the whole record) and how they
// change a header. Keys and values stay byte strings (latin1): a path value is raw bytes whatever
// hdrcharset says, so names that are not UTF-8 survive a round trip.

import type { TarHeader } from './header.js';
import { TarHeaderError } from './header.js';
import { malformed, paxSparseRegions } from './sparse.js';

export type PaxRecords = Map<string, string>;

/** Parse the data of an `x` or `g` header. Trailing NUL padding some writers leave is allowed. */
export function parsePaxRecords(data: Buffer): PaxRecords {
  const records: PaxRecords = new Map();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0 && data.subarray(pos).every((b) => b === 0)) break;
    let len = 0;
    let i = pos;
    while (i < data.length && data[i]! >= 0x30 && data[i]! <= 0x39 && i - pos < 12) len = len * 10 + data[i++]! - 0x30;
    if (i === pos || data[i] !== 0x20 || len <= i - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new TarHeaderError('malformed PAX record');
    }
    const record = data.toString('latin1', i + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarHeaderError('malformed PAX record');
    const key = record.slice(0, eq);
    if (key === SPARSE_OFFSET || key === SPARSE_NUMBYTES) {
      // PAX sparse 0.0 repeats these two keys, one pair per region, in order: gathered into the
      // map text of 0.1, which says the same.
      const map = records.get(SPARSE_MAP);
      records.set(SPARSE_MAP, map === undefined ? record.slice(eq + 1) : `${map},${record.slice(eq + 1)}`);
    } else {
      records.set(key, record.slice(eq + 1));
    }
    pos += len;
  }
  return records;
}

/** Encode records in the given order (the writer chooses a canonical one). Values are byte strings
 * or raw bytes. */
export function encodePaxRecords(records: ReadonlyArray<readonly [key: string, value: string | Uint8Array]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const body = Buffer.concat([Buffer.from(` ${key}=`, 'latin1'), typeof value === 'string' ? Buffer.from(value, 'latin1') : value, Buffer.from('\n')]);
    // The length prefix counts its own digits: grow it until it is stable.
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    parts.push(Buffer.from(String(len), 'latin1'), body);
  }
  return Buffer.concat(parts);
}

const XATTR_SCHILY = 'SCHILY.xattr.';
const SPARSE_PREFIX = 'GNU.sparse.';
const SPARSE_OFFSET = 'GNU.sparse.offset';
const SPARSE_NUMBYTES = 'GNU.sparse.numbytes';
const SPARSE_MAP = 'GNU.sparse.map';
const XATTR_LIBARCHIVE = 'LIBARCHIVE.xattr.';

/** Apply global then per-entry records to a header. An empty value in a per-entry record cancels
 * the global one (the header field stands), as POSIX says. GNU sparse records count in per-entry
 * headers only, where GNU tar writes them (sparse.ts). */
export function applyPax(h: TarHeader, global: PaxRecords | undefined, local: PaxRecords | undefined): void {
  if (global) for (const [key, value] of global) if (!local?.has(key) && !key.startsWith(SPARSE_PREFIX)) applyRecord(h, key, value);
  if (local) {
    for (const [key, value] of local) applyRecord(h, key, value);
    applySparse(h, local);
  }
}

function applyRecord(h: TarHeader, key: string, value: string): void {
  if (value === '') return;
  switch (key) {
    case 'path': h.name = value; break;
    case 'linkpath': h.linkName = value; break;
    case 'size': h.size = paxInteger(value, key); break;
    case 'uid': h.uid = paxInteger(value, key); break;
    case 'gid': h.gid = paxInteger(value, key); break;
    case 'mtime': h.mtime = paxTime(value); break;
    case 'uname': h.uname = value; break;
    case 'gname': h.gname = value; break;
    default:
      if (key.startsWith(XATTR_SCHILY)) {
        setXattr(h, Buffer.from(key.slice(XATTR_SCHILY.length), 'latin1').toString('utf8'), Buffer.from(value, 'latin1'));
      } else if (key.startsWith(XATTR_LIBARCHIVE)) {
        setXattr(h, decodeXattrName(key.slice(XATTR_LIBARCHIVE.length)), Buffer.from(value, 'base64'));
      }
  }
}

/** A member is a GNU sparse file when its records give a real size or a map (0.0, 0.1) or say
 * version 1.0, whose map is in the data. GNU.sparse.name is the member's real name. */
function applySparse(h: TarHeader, local: PaxRecords): void {
  const name = local.get('GNU.sparse.name');
  if (name) h.name = name;
  const major = local.get('GNU.sparse.major');
  const map = local.get(SPARSE_MAP);
  if (major !== undefined) {
    if (major !== '1' || local.get('GNU.sparse.minor') !== '0') throw new TarHeaderError(`unsupported GNU sparse format ${major}.${local.get('GNU.sparse.minor') ?? ''}`);
    if (map !== undefined) throw malformed();
    h.sparse = { realSize: sparseSize(local.get('GNU.sparse.realsize')), regions: undefined };
  } else if (map !== undefined || local.has('GNU.sparse.size')) {
    h.sparse = { realSize: sparseSize(local.get('GNU.sparse.size')), regions: paxSparseRegions(map ?? '') };
  }
}

function sparseSize(value: string | undefined): number {
  if (value === undefined) throw malformed();
  return paxInteger(value, 'GNU.sparse size');
}

function setXattr(h: TarHeader, name: string, value: Buffer): void {
  if (name === '') throw new TarHeaderError('empty extended attribute name');
  (h.xattrs ??= new Map()).set(name, value);
}

function decodeXattrName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new TarHeaderError('malformed LIBARCHIVE.xattr name');
  }
}

/** A PAX decimal, as GNU tar reads one (strtoumax, the whole value): digits only, leading zeros
 * allowed ("size=000123"). */
function paxInteger(value: string, key: string): number {
  if (!/^\d+$/.test(value)) throw new TarHeaderError(`invalid PAX ${key} "${value}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new TarHeaderError(`PAX ${key} is too large`);
  return n;
}

/** A PAX time as GNU tar reads one (decode_timespec): an optional '-', digits, and an optional
 * fraction; anything after that is not read ("1748089464.951928467a" is 1748089464.951928467). */
function paxTime(value: string): number {
  const m = /^(-?)(\d+)(\.\d*)?/.exec(value);
  if (m === null) throw new TarHeaderError(`invalid PAX mtime "${value}"`);
  const seconds = Number(m[2]);
  if (!Number.isSafeInteger(seconds)) throw new TarHeaderError('PAX mtime is out of range');
  const fraction = m[3] === undefined || m[3].length < 2 ? 0 : Number(`0${m[3].slice(0, 10)}`);
  return m[1] === '-' ? -(seconds + fraction) : seconds + fraction;
}
