// zstd decoding on top of fzstd (pure JS; Node 20's zlib has no zstd), plus what fzstd leaves
// out: the frame checksum. fzstd skips the optional 4-byte content checksum at the end of each
// frame, so a flipped bit in a stored (raw) block would come out as silently wrong data. Here a
// small scanner walks the frame structure of the raw stream (frame header, block headers, sizes),
// each frame is decoded by its own decoder, and its output is checked against the checksum: the
// low 32 bits of XXH64 of the frame's content.

import { Decompress } from 'fzstd';
import { createXXHash64 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';

const enum Scan { Magic, SkipSize, Skip, Descriptor, Header, BlockHeader, BlockBody, Checksum }

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** Decompressed chunks of a zstd stream (one or more frames, skippable frames allowed). Throws
 * plain Errors with fzstd's or this scanner's message; decompress.ts adds the context. */
export async function* decodeZstd(raw: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const hasher = await createXXHash64();
  const frames = new FrameScanner();
  const out: Uint8Array[] = [];
  let decoder: Decompress | undefined;
  let frameCount = 0;
  for await (const chunk of raw) {
    for (let at = 0; at < chunk.length;) {
      const step = frames.advance(chunk, at);
      if (step.push === 'magic') {
        // Each frame gets its own decoder, told where the frame ends: its output is then
        // complete when the checksum is compared.
        decoder = new Decompress((data) => {
          if (data.length === 0) return;
          hasher.update(data);
          out.push(data);
        });
        hasher.init();
        frameCount++;
        decoder.push(ZSTD_MAGIC);
      } else if (step.push === 'chunk') {
        decoder!.push(chunk.subarray(at, step.end), step.frameEnd);
      }
      if (step.frameEnd && step.checksum !== undefined && checksumOf(hasher) !== step.checksum) {
        throw new Error('frame checksum mismatch');
      }
      at = step.end;
    }
    yield* out.splice(0);
  }
  if (!frames.atBoundary() || frameCount === 0) throw new Error('unexpected end of file');
}

function checksumOf(hasher: IHasher): number {
  // XXH64 in canonical (big-endian) form: its low 32 bits are the last four bytes.
  const digest = hasher.digest('binary');
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).readUInt32BE(4);
}

interface Step {
  /** Position in the chunk where this step stops. */
  readonly end: number;
  /** What goes to the decoder: the chunk's bytes up to `end`, a new frame's magic (its bytes may
   * have been split across chunks), or nothing (a skippable frame, a partial magic). */
  readonly push: 'chunk' | 'magic' | 'none';
  /** `end` is the end of a zstd frame. */
  readonly frameEnd: boolean;
  readonly checksum: number | undefined;
}

/** Walks frame and block headers without decoding anything. */
class FrameScanner {
  private state = Scan.Magic;
  /** Bytes of the current field gathered so far (magic, sizes, headers, checksum). */
  private readonly field = Buffer.alloc(16);
  private fieldLen = 0;
  private need = 4;
  /** Bytes left to pass over (block body, skippable frame). */
  private left = 0;
  private hasChecksum = false;
  private lastBlock = false;

  atBoundary(): boolean {
    return this.state === Scan.Magic && this.fieldLen === 0;
  }

  advance(chunk: Uint8Array, from: number): Step {
    let at = from;
    if (this.state === Scan.Skip) {
      const k = Math.min(this.left, chunk.length - at);
      this.left -= k;
      if (this.left === 0) this.expect(Scan.Magic, 4);
      return step(at + k, 'none');
    }
    if (this.state === Scan.Magic || this.state === Scan.SkipSize) {
      at = this.gather(chunk, at);
      if (this.fieldLen < this.need) return step(at, 'none');
      if (this.state === Scan.SkipSize) {
        this.left = this.field.readUInt32LE(0);
        if (this.left > 0) this.state = Scan.Skip;
        else this.expect(Scan.Magic, 4);
        return step(at, 'none');
      }
      const magic = this.field.readUInt32LE(0);
      if (magic === 0xfd2fb528) {
        this.expect(Scan.Descriptor, 1);
        return step(at, 'magic');
      }
      if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
        this.expect(Scan.SkipSize, 4);
        return step(at, 'none');
      }
      throw new Error('not a zstd frame (data after the end of the stream?)');
    }
    while (at < chunk.length) {
      if (this.state === Scan.BlockBody) {
        const k = Math.min(this.left, chunk.length - at);
        at += k;
        this.left -= k;
        if (this.left > 0) break;
        const done = this.afterBlock(at);
        if (done) return done;
        continue;
      }
      at = this.gather(chunk, at);
      if (this.fieldLen < this.need) break;
      const f = this.field;
      switch (this.state) {
        case Scan.Descriptor: {
          const d = f[0]!;
          if (d & 0x08) throw new Error('reserved bit set in a zstd frame header');
          const singleSegment = (d >> 5) & 1;
          const fcsFlag = d >> 6;
          const dictSize = [0, 1, 2, 4][d & 3]!;
          const fcsSize = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag]!;
          this.hasChecksum = ((d >> 2) & 1) === 1;
          const rest = (singleSegment ? 0 : 1) + dictSize + fcsSize;
          if (rest > 0) this.expect(Scan.Header, rest);
          else this.expect(Scan.BlockHeader, 3);
          break;
        }
        case Scan.Header:
          this.expect(Scan.BlockHeader, 3);
          break;
        case Scan.BlockHeader: {
          const h = f[0]! | (f[1]! << 8) | (f[2]! << 16);
          this.lastBlock = (h & 1) === 1;
          const type = (h >> 1) & 3;
          if (type === 3) throw new Error('reserved zstd block type');
          this.left = type === 1 ? 1 : h >>> 3;
          this.state = Scan.BlockBody;
          this.fieldLen = 0;
          if (this.left === 0) {
            const done = this.afterBlock(at);
            if (done) return done;
          }
          break;
        }
        case Scan.Checksum:
          this.expect(Scan.Magic, 4);
          return { end: at, push: 'chunk', frameEnd: true, checksum: f.readUInt32LE(0) };
      }
    }
    return step(at, 'chunk');
  }

  /** A block ended at `at`: the next block, the checksum, or the end of the frame. */
  private afterBlock(at: number): Step | undefined {
    if (!this.lastBlock) this.expect(Scan.BlockHeader, 3);
    else if (this.hasChecksum) this.expect(Scan.Checksum, 4);
    else {
      this.expect(Scan.Magic, 4);
      return { end: at, push: 'chunk', frameEnd: true, checksum: undefined };
    }
    return undefined;
  }

  private gather(chunk: Uint8Array, at: number): number {
    const k = Math.min(this.need - this.fieldLen, chunk.length - at);
    this.field.set(chunk.subarray(at, at + k), this.fieldLen);
    this.fieldLen += k;
    return at + k;
  }

  private expect(state: Scan, bytes: number): void {
    this.state = state;
    this.need = bytes;
    this.fieldLen = 0;
  }
}

function step(end: number, push: Step['push']): Step {
  return { end, push, frameEnd: false, checksum: undefined };
}
