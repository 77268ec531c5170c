// A view's paths and their types in one sorted byte table: all `diff` asks of an image (is there
// something at P, and is it a directory?) answered by a binary search in a buffer read in one go,
// with no layer index parsed and no view built. Building the view of a Debian image parses about
// 1 MB of index JSON into 9k entries (tens of ms); reading its table costs well under one, so a
// container's diff costs what its changes cost, not what its image costs. The table is derived
// from a View and says exactly what that View says; content/image-view.ts keeps one per layer
// stack in the store.
//
// Layout (integers in the machine's byte order: a store is local to its machine; a table from
// another order fails the checks below and is made again):
//   magic "strata-paths v1\n"         16 bytes
//   sha256 of everything after it     32 bytes (a damaged table is refused, never half-believed)
//   count N                           u32
//   offsets[N + 1]                    u32 each, into the records; offsets[N] = their length
//   records, sorted by path bytes     one type byte, then the path ("/", "/etc", …; no terminator)
// A lookup is a binary search over the records read as one latin1 string (a path is one char per
// byte, byte-path.ts, so string order is byte order): no allocation but slices, and cheap even in
// a process too short-lived for the JIT to warm up.

import { createHash } from 'node:crypto';
import type { BytePath } from '../base/byte-path.js';
import type { EntryType } from '../base/layer-index.js';
import type { PathTypes } from './types.js';
import type { View } from './view.js';

const MAGIC = Buffer.from('strata-paths v1\n', 'latin1');
const DIGEST = 32;
/** Where the count starts: a multiple of 4, so the offsets can be read as a Uint32Array. */
const HEAD = MAGIC.length + DIGEST;
const TYPES: readonly EntryType[] = ['file', 'dir', 'symlink', 'char', 'block', 'fifo'];

/** The table of every path `view` shows (its walk: sorted by bytes, the root first). */
export function encodePathTable(view: View): Buffer {
  const entries = view.walk();
  const numbers = new Uint32Array(entries.length + 2);
  numbers[0] = entries.length;
  let length = 0;
  for (const [i, r] of entries.entries()) {
    numbers[i + 1] = length;
    length += 1 + r.path.length;
  }
  numbers[entries.length + 1] = length;
  const records = Buffer.alloc(length);
  let at = 0;
  for (const r of entries) {
    records[at] = TYPES.indexOf(r.entry.type);
    at += 1 + records.write(r.path, at + 1, 'latin1');
  }
  const head = Buffer.from(numbers.buffer, numbers.byteOffset, numbers.byteLength);
  const digest = createHash('sha256').update(head).update(records).digest();
  return Buffer.concat([MAGIC, digest, head, records]);
}

export class PathTable implements PathTypes {
  private constructor(
    /** offsets[i]: where record i starts in `records`; offsets[count]: their length. */
    private readonly offsets: Uint32Array,
    /** The records, one char per byte. */
    private readonly records: string,
  ) {}

  /** The table in `buf`, or undefined when `buf` is not a whole, undamaged table. */
  static decode(buf: Buffer): PathTable | undefined {
    if (buf.length < HEAD + 8 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const digest = createHash('sha256').update(buf.subarray(HEAD)).digest();
    if (!digest.equals(buf.subarray(MAGIC.length, HEAD))) return undefined;
    // A Uint32Array needs an aligned start; a small file may sit anywhere in Node's buffer pool.
    const bytes = buf.byteOffset % 4 === 0 ? buf : Buffer.concat([buf], buf.length);
    const count = new Uint32Array(bytes.buffer, bytes.byteOffset + HEAD, 1)[0]!;
    const start = HEAD + 4 * (count + 2);
    if (start > bytes.length) return undefined;
    const offsets = new Uint32Array(bytes.buffer, bytes.byteOffset + HEAD + 4, count + 1);
    // The digest vouches for the bytes; these checks vouch for the writer, so that no lookup can
    // read past a record whatever a future bug (or another byte order) wrote.
    if (offsets[0] !== 0 || start + offsets[count]! !== bytes.length) return undefined;
    for (let i = 0; i < count; i++) {
      if (offsets[i + 1]! < offsets[i]! + 2 || bytes[start + offsets[i]!]! >= TYPES.length) return undefined;
    }
    return new PathTable(offsets, bytes.toString('latin1', start));
  }

  /** Number of paths, the root included. */
  get size(): number {
    return this.offsets.length - 1;
  }

  /** Every path under `dir` (not `dir` itself), in byte order: one search, then a run of records. */
  pathsUnder(dir: BytePath): BytePath[] {
    const { offsets, records } = this;
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const nameAt = (i: number) => records.slice(offsets[i]! + 1, offsets[i + 1]);
    let lo = 0;
    let hi = offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (nameAt(mid) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: BytePath[] = [];
    for (let i = lo; i < offsets.length - 1; i++) {
      const name = nameAt(i);
      if (!name.startsWith(prefix)) break;
      if (name !== dir) out.push(name as BytePath);
    }
    return out;
  }

  typeOf(path: BytePath): EntryType | undefined {
    const { offsets, records } = this;
    let lo = 0;
    let hi = offsets.length - 2;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = offsets[mid]!;
      const name = records.slice(at + 1, offsets[mid + 1]);
      if (name === path) return TYPES[records.charCodeAt(at)];
      if (name < path) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
