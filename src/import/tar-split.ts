// What a layer keeps so that its tar can be given back byte for byte (as containers/storage's
// tar-split does): every byte of the original stream that is not file content — header blocks
// with their PAX/GNU extension headers, padding, the end-of-archive blocks and whatever trailed
// them — plus, for each regular file's content, a reference to the file in the layer. Replaying
// it re-creates the exact stream, so `save` and `push` reproduce the diff_id.
//
// File format (`layerDir/tar-split`), binary and small:
//   "STSPLIT1"  varint tarSize  varint segmentCount  segments  table
//   segment: varint length, then deflate-raw data that inflates to ops —
//            0x01 u32le n, n bytes (literal stream bytes) | 0x03 varint id (content of file #id) |
//            0x04 varint id, varint offset, varint length (those bytes of file #id: a region of a
//            GNU sparse member, whose stored data is its regions, one after another)
//   table:   varint length, then deflate-raw data: varint count, then per file: u8 where
//            (0: rootfs/<path>, 1: replaced/<id>), varint size, varint pathLength, path bytes
// Meta bytes are mostly zeros and repeated header fields: deflate at level 1 shrinks a Debian
// rootfs's 6.4 MB of them to about 230 KB in ~15 ms, much faster than run-length coding in JS.
// Segments are compressed one mebibyte at a time from one reused buffer, so recording costs a
// memcpy per header and no allocation.
//
// When a later entry replaces a regular file whose bytes the stream holds (tar allows a path to
// appear twice), the unpacker moves that file to `layerDir/replaced/<id>` instead of deleting it:
// the layer's tree shows the new file, the tar still replays both.

import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { BytePath } from '../base/byte-path.js';
import { displayPath } from '../base/byte-path.js';
import { StrataError, errnoOf } from '../base/errors.js';
import type { SparseRegion } from '../tar/header.js';

export const TAR_SPLIT_FILE = 'tar-split';
/** Files a later tar entry replaced, kept because the layer's tar still holds their bytes. */
export const REPLACED_DIR = 'replaced';

const MAGIC = Buffer.from('STSPLIT1', 'latin1');
const OP_LITERAL = 0x01;
const OP_FILE = 0x03;
const OP_RANGE = 0x04;
const SEGMENT_SIZE = 1 << 20;
const REPLAY_CHUNK = 1 << 20;

interface FileRef {
  where: 0 | 1;
  path: string;
  size: number;
}

/** Collects the split of one tar stream while it is unpacked. */
export class TarSplitRecorder {
  private readonly stage = Buffer.allocUnsafeSlow(SEGMENT_SIZE);
  private used = 0;
  /** Where the open literal's length field is in `stage`, or -1. */
  private literalAt = -1;
  private readonly segments: Buffer[] = [];
  private readonly files: FileRef[] = [];
  private readonly fileOf = new Map<BytePath, number>();
  private total = 0;

  /** Stream bytes that are not file content (the reader's meta, or content nobody keeps). */
  meta(bytes: Uint8Array): void {
    this.total += bytes.length;
    for (let off = 0; off < bytes.length;) {
      if (this.literalAt < 0) {
        if (this.used + 5 > SEGMENT_SIZE) this.cut();
        this.stage[this.used] = OP_LITERAL;
        this.literalAt = this.used + 1;
        this.used += 5;
      }
      const k = Math.min(bytes.length - off, SEGMENT_SIZE - this.used);
      this.stage.set(k === bytes.length ? bytes : bytes.subarray(off, off + k), this.used);
      this.used += k;
      off += k;
      if (this.used === SEGMENT_SIZE) this.cut();
    }
  }

  /** The next `size` bytes of the stream are the content of the regular file at `path`. */
  content(path: BytePath, size: number): void {
    if (size === 0) return;
    this.total += size;
    this.closeLiteral();
    if (this.used + 11 > SEGMENT_SIZE) this.cut();
    const id = this.addFile(path, size);
    this.stage[this.used++] = OP_FILE;
    this.used = writeVarint(this.stage, this.used, id);
  }

  /** The next bytes of the stream are the regions of the sparse file at `path` (`size` bytes
   * long), in the order given. */
  sparseContent(path: BytePath, size: number, regions: readonly SparseRegion[]): void {
    const id = this.addFile(path, size);
    for (const r of regions) {
      if (r.length === 0) continue;
      this.total += r.length;
      this.closeLiteral();
      if (this.used + 31 > SEGMENT_SIZE) this.cut();
      this.stage[this.used++] = OP_RANGE;
      this.used = writeVarint(this.stage, this.used, id);
      this.used = writeVarint(this.stage, this.used, r.offset);
      this.used = writeVarint(this.stage, this.used, r.length);
    }
  }

  /** The file at `path` is about to be replaced. When the stream holds its bytes, returns the name
   * it must be moved to under REPLACED_DIR; undefined when it can simply go. */
  replaced(path: BytePath): string | undefined {
    const id = this.fileOf.get(path);
    if (id === undefined) return undefined;
    this.fileOf.delete(path);
    this.files[id] = { where: 1, path: String(id), size: this.files[id]!.size };
    return String(id);
  }

  encode(): Buffer {
    this.cut();
    let room = 10;
    for (const f of this.files) room += 21 + f.path.length;
    const table = Buffer.allocUnsafe(room);
    let at = writeVarint(table, 0, this.files.length);
    for (const f of this.files) {
      table[at++] = f.where;
      at = writeVarint(table, at, f.size);
      at = writeVarint(table, at, f.path.length);
      at += table.write(f.path, at, 'latin1');
    }
    const packedTable = deflateRawSync(table.subarray(0, at), { level: 1 });
    const parts: Buffer[] = [MAGIC, varint(this.total), varint(this.segments.length)];
    for (const seg of this.segments) parts.push(varint(seg.length), seg);
    parts.push(varint(packedTable.length), packedTable);
    return Buffer.concat(parts);
  }

  private addFile(path: BytePath, size: number): number {
    const id = this.files.length;
    this.files.push({ where: 0, path: path.slice(1), size });
    this.fileOf.set(path, id);
    return id;
  }

  private closeLiteral(): void {
    if (this.literalAt < 0) return;
    this.stage.writeUInt32LE(this.used - this.literalAt - 4, this.literalAt);
    this.literalAt = -1;
  }

  private cut(): void {
    this.closeLiteral();
    if (this.used === 0) return;
    this.segments.push(deflateRawSync(this.stage.subarray(0, this.used), { level: 1 }));
    this.used = 0;
  }
}

/** Reads a file that the caller may not open (store/mapped-owners.ts: a rootless layer's files
 * of mapped owners). */
export type UnreadableFiles = (path: Buffer) => Promise<Buffer>;

/** The layer's original tar stream, byte for byte. Each chunk is a fresh buffer. Throws when a
 * file the split refers to is missing or has another size (the layer was damaged). */
export async function* replayLayerTar(layerDir: string, unreadable?: UnreadableFiles): AsyncGenerator<Buffer, void, undefined> {
  const where = `${layerDir}/${TAR_SPLIT_FILE}`;
  const file = new ByteReader(readFileSync(join(layerDir, TAR_SPLIT_FILE)), where);
  if (!file.take(MAGIC.length).equals(MAGIC)) throw new StrataError(`${where}: not a tar-split file`);
  const total = file.varint();
  const segments: Buffer[] = [];
  for (let n = file.varint(); n > 0; n--) segments.push(file.take(file.varint()));
  const table = new ByteReader(inflate(file.take(file.varint()), where), where);
  const files: FileRef[] = [];
  for (let count = table.varint(); count > 0; count--) {
    const whereFrom = table.byte() as 0 | 1;
    const size = table.varint();
    const path = table.take(table.varint()).toString('latin1');
    files.push({ where: whereFrom, path, size });
  }

  let out = Buffer.allocUnsafe(REPLAY_CHUNK);
  let used = 0;
  let emitted = 0;
  const take = (): Buffer => {
    const chunk = out.subarray(0, used);
    emitted += used;
    out = Buffer.allocUnsafe(REPLAY_CHUNK);
    used = 0;
    return chunk;
  };
  /** Copy `bytes` into the output, yielding every chunk that fills. */
  function* put(bytes: Buffer): Generator<Buffer> {
    for (let from = 0; from < bytes.length;) {
      const k = Math.min(bytes.length - from, REPLAY_CHUNK - used);
      bytes.copy(out, used, from, from + k);
      used += k;
      from += k;
      if (used === REPLAY_CHUNK) yield take();
    }
  }
  for (const segment of segments) {
    const ops = new ByteReader(inflate(segment, where), where);
    while (!ops.atEnd()) {
      const op = ops.byte();
      if (op === OP_LITERAL) {
        yield* put(ops.take(ops.u32()));
      } else if (op === OP_FILE || op === OP_RANGE) {
        const f = files[ops.varint()];
        if (!f) throw new StrataError(`${where}: corrupt (file reference out of range)`);
        const from = op === OP_RANGE ? ops.varint() : 0;
        const length = op === OP_RANGE ? ops.varint() : f.size;
        if (from + length > f.size) throw new StrataError(`${where}: corrupt (a range beyond its file)`);
        const label = f.where === 0 ? displayPath(`/${f.path}`) : `${REPLACED_DIR}/${f.path}`;
        const path = f.where === 0 ? Buffer.concat([Buffer.from(join(layerDir, 'rootfs')), Buffer.from(`/${f.path}`, 'latin1')]) : Buffer.from(join(layerDir, REPLACED_DIR, f.path));
        const fd = openFile(path, label, unreadable !== undefined);
        if (fd < 0) {
          // A file whose (rootless, mapped) owner shuts the caller out: read whole, rarely.
          const bytes = await unreadable!(path);
          if (bytes.length !== f.size) throw new StrataError(`layer file "${label}" has ${bytes.length} bytes, its tar entry ${f.size}`);
          yield* put(bytes.subarray(from, from + length));
          continue;
        }
        try {
          const size = fstatSync(fd).size;
          if (size !== f.size) throw new StrataError(`layer file "${label}" has ${size} bytes, its tar entry ${f.size}`);
          for (let left = length, at = from; left > 0;) {
            const n = readSync(fd, out, used, Math.min(left, REPLAY_CHUNK - used), at);
            if (n === 0) throw new StrataError(`layer file "${label}" is shorter than its tar entry`);
            used += n;
            left -= n;
            at += n;
            if (used === REPLAY_CHUNK) yield take();
          }
        } finally {
          closeSync(fd);
        }
      } else {
        throw new StrataError(`${where}: corrupt (unknown op ${op})`);
      }
    }
  }
  if (used > 0) yield take();
  if (emitted !== total) throw new StrataError(`${where}: replayed ${emitted} bytes, the tar had ${total}`);
}

function inflate(data: Buffer, where: string): Buffer {
  try {
    return inflateRawSync(data);
  } catch (err) {
    throw new StrataError(`${where}: corrupt`, { cause: err });
  }
}

/** The open file, or -1 when permission is refused and `refusedOk`. */
function openFile(path: Buffer, label: string, refusedOk: boolean): number {
  try {
    // The split names regular files the unpacker wrote; O_NOFOLLOW makes sure that if something
    // else stands there now, no link is followed onto the host.
    return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (refusedOk && errnoOf(err) === 'EACCES') return -1;
    throw new StrataError(`cannot replay layer file "${label}"`, { cause: err });
  }
}

function varint(value: number): Buffer {
  const b = Buffer.allocUnsafe(10);
  return b.subarray(0, writeVarint(b, 0, value));
}

/** LEB128; returns the position after it. */
function writeVarint(b: Buffer, at: number, value: number): number {
  let v = value;
  let pos = at;
  while (v >= 0x80) {
    b[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  b[pos++] = v;
  return pos;
}

class ByteReader {
  private pos = 0;
  constructor(private readonly buf: Buffer, private readonly where: string) {}

  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new StrataError(`${this.where}: corrupt (ends too soon)`);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    return this.take(4).readUInt32LE(0);
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new StrataError(`${this.where}: corrupt (varint too long)`);
    }
  }

  take(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new StrataError(`${this.where}: corrupt (ends too soon)`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
