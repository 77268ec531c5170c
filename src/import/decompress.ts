// Opens a tarball (or a blob's bytes) as a stream of *uncompressed* tar, whatever its compression:
// plain, gzip (node:zlib), xz (xz-decompress, WebAssembly) or zstd (fzstd; Node 20's zlib has no
// zstd). The format is told by the first bytes, never by the file name. While the stream is read,
// two sha256 digests are taken: of the raw bytes (sourceDigest: lets the store recognise a
// re-import without unpacking) and of the tar (tarDigest: the layer's diff_id). For a plain tar
// they are one and the same hash, computed once.
//
// A plain file is read with large synchronous reads into one reused buffer: this is the path that
// decides import speed, and on this machine a fresh 4 MiB buffer per read costs more in page
// faults than the read itself. So a chunk from a TarSource is only valid until the next one is
// requested: consumers copy what they keep (the unpacker does).

import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { StrataError } from '../base/errors.js';
import { BLOCK_SIZE, isZeroBlock, looksLikeHeader } from '../tar/header.js';

export type Compression = 'none' | 'gzip' | 'xz' | 'zstd';

/** A tarball opened for import. */
export interface TarSource {
  readonly compression: Compression;
  /** The uncompressed tar stream; iterate it once, to its end. A chunk is valid only until the
   * next one is requested (a plain file is read into one reused buffer). */
  readonly chunks: TarStream;
  /** After `chunks` has been read to its end: "sha256:<hex>" of the raw (compressed) bytes. */
  sourceDigest(): string;
  rawSize(): number;
}

const READ_SIZE = 4 << 20;
const GZIP_CHUNK = 1 << 20;

/** The compression a stream uses, from its first bytes (at least 512 unless it ends sooner). */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 6 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0x00) return 'xz';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= BLOCK_SIZE && (looksLikeHeader(head, 0) || isZeroBlock(head, 0))) return 'none';
  if (head.length === 0) throw new StrataError('unknown compression (the input is empty)');
  const magic = Buffer.from(head.subarray(0, 4)).toString('hex');
  throw new StrataError(`unknown compression (magic 0x${magic})`);
}

/** A tarball by path, or standard input for "-". The compression is detected here, so an
 * unknown format fails before anything is unpacked. */
export async function openTarSource(pathOrDash: string): Promise<TarSource> {
  let fd: number;
  let owned = true;
  if (pathOrDash === '-') {
    fd = 0;
    owned = false;
  } else {
    try {
      fd = openSync(pathOrDash, 'r');
    } catch (err) {
      throw new StrataError(`cannot open tarball "${pathOrDash}"`, { cause: err });
    }
  }
  let stream: TarStream;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new StrataError(`cannot read tarball "${pathOrDash}": it is a directory`);
    // Standard input redirected from a file gets the fast path too; a pipe or terminal is read
    // through Node's stream (readSync on a non-blocking pipe fails with EAGAIN).
    stream = new TarStream(stat.isFile() ? fileChunks(fd, owned, pathOrDash) : streamChunks(process.stdin, pathOrDash));
  } catch (err) {
    if (owned) closeSync(fd);
    throw err;
  }
  const compression = await stream.probe();
  return {
    compression,
    chunks: stream,
    sourceDigest: () => stream.sourceDigest(),
    rawSize: () => stream.rawSize(),
  };
}

/** Raw bytes from elsewhere (a blob inside an OCI or docker archive) as an uncompressed tar
 * stream. Chunks of `raw` may be reused by their producer once the next one is requested; the
 * chunks this stream yields are then reused the same way when the blob is a plain tar. */
export function decompressChunks(raw: AsyncIterable<Uint8Array>): TarStream {
  return new TarStream(raw[Symbol.asyncIterator]());
}

async function* fileChunks(fd: number, owned: boolean, label: string): AsyncGenerator<Uint8Array, void, undefined> {
  const buf = Buffer.allocUnsafeSlow(READ_SIZE);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, READ_SIZE, null);
      } catch (err) {
        throw new StrataError(`cannot read tarball "${label}"`, { cause: err });
      }
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    if (owned) closeSync(fd);
  }
}

async function* streamChunks(stream: NodeJS.ReadableStream, label: string): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  } catch (err) {
    throw new StrataError(`cannot read tarball "${label}"`, { cause: err });
  }
}

/** An uncompressed tar stream over raw bytes, hashing both sides on the way. Iterate it once; the
 * digests and sizes are known when it has been read to its end (asking earlier throws). */
export class TarStream implements AsyncIterable<Uint8Array> {
  private readonly rawHash: Hash = createHash('sha256');
  private tarHash: Hash | undefined;
  private rawBytes = 0;
  private tarBytes = 0;
  private rawEnded = false;
  private head: Uint8Array[] = [];
  private detected: Compression | undefined;
  private finished: { source: string; tar: string } | undefined;
  private started = false;

  constructor(private readonly rawSource: AsyncIterator<Uint8Array>) {}

  /** Read the first bytes and tell the compression (iteration does this itself). */
  async probe(): Promise<Compression> {
    if (this.detected) return this.detected;
    // Enough bytes to tell a tar header from a compressed stream. Chunks may live in a reused
    // buffer, so when more than one is needed each is copied before the next read.
    let headLen = 0;
    for (;;) {
      const next = await this.rawSource.next();
      if (next.done) {
        this.rawEnded = true;
        break;
      }
      headLen += next.value.length;
      if (headLen >= BLOCK_SIZE) {
        this.head.push(next.value);
        break;
      }
      this.head.push(Buffer.from(next.value)); // another read follows: keep a copy
    }
    try {
      this.detected = detectCompression(this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head));
    } catch (err) {
      await this.rawSource.return?.();
      throw err;
    }
    this.tarHash = this.detected === 'none' ? this.rawHash : createHash('sha256');
    return this.detected;
  }

  get compression(): Compression | undefined {
    return this.detected;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.started) throw new Error('a tar stream can be read only once');
    this.started = true;
    const compression = await this.probe();
    if (compression === 'none') {
      for await (const chunk of this.raw()) {
        this.tarBytes += chunk.length;
        yield chunk;
      }
    } else {
      try {
        for await (const chunk of this.decompressed(compression)) {
          this.tarHash!.update(chunk);
          this.tarBytes += chunk.length;
          yield chunk;
        }
      } catch (err) {
        throw this.corrupt(compression, err);
      }
    }
    const source = `sha256:${this.rawHash.digest('hex')}`;
    this.finished = { source, tar: compression === 'none' ? source : `sha256:${this.tarHash!.digest('hex')}` };
  }

  /** "sha256:<hex>" of the raw bytes. */
  sourceDigest(): string {
    return this.result().source;
  }

  rawSize(): number {
    this.result();
    return this.rawBytes;
  }

  /** "sha256:<hex>" of the uncompressed tar: the layer's diff_id. */
  tarDigest(): string {
    return this.result().tar;
  }

  tarSize(): number {
    this.result();
    return this.tarBytes;
  }

  private result(): { source: string; tar: string } {
    if (!this.finished) throw new Error('the tar stream has not been read to its end');
    return this.finished;
  }

  /** Every raw byte, hashed on the way through. */
  private async *raw(): AsyncGenerator<Uint8Array, void, undefined> {
    const head = this.head;
    this.head = [];
    for (const chunk of head) {
      this.rawHash.update(chunk);
      this.rawBytes += chunk.length;
      yield chunk;
    }
    if (!this.rawEnded) {
      try {
        for (let r = await this.rawSource.next(); !r.done; r = await this.rawSource.next()) {
          this.rawHash.update(r.value);
          this.rawBytes += r.value.length;
          yield r.value;
        }
      } finally {
        await this.rawSource.return?.();
      }
    }
    this.rawEnded = true;
  }

  /** Raw chunks that stay valid after the next read (the decompressors queue their input). */
  private async *rawCopies(): AsyncGenerator<Buffer, void, undefined> {
    for await (const chunk of this.raw()) yield Buffer.from(chunk);
  }

  private async *decompressed(compression: Exclude<Compression, 'none'>): AsyncGenerator<Uint8Array, void, undefined> {
    switch (compression) {
      case 'gzip': {
        // Concatenated gzip members are one stream, as gzip -d reads them.
        const out = pipeline(Readable.from(this.rawCopies()), createGunzip({ chunkSize: GZIP_CHUNK }), () => {});
        for await (const chunk of out) yield chunk as Buffer;
        return;
      }
      case 'xz': {
        // Loaded on first use: plain and gzip imports (and every other command) skip its start-up.
        // xz-decompress is a webpack UMD bundle: Node's ESM loader sees only a default export,
        // bundlers and tsx also expose the named one.
        const xz = (await import('xz-decompress')) as Partial<typeof import('xz-decompress')> & { default?: typeof import('xz-decompress') };
        const XzReadableStream = xz.XzReadableStream ?? xz.default!.XzReadableStream;
        const raw = this.rawCopies();
        const input = Readable.toWeb(Readable.from(raw)) as unknown as ReadableStream<Uint8Array>;
        for await (const chunk of new XzReadableStream(input) as unknown as AsyncIterable<Uint8Array>) yield chunk;
        // The decoder stops at the end of the first xz stream; what follows (stream padding) still
        // counts in the source digest.
        for await (const rest of raw) void rest;
        return;
      }
      case 'zstd': {
        const { decodeZstd } = await import('./zstd.js');
        yield* decodeZstd(this.rawCopies());
        return;
      }
    }
  }

  private corrupt(compression: Compression, err: unknown): unknown {
    if (err instanceof StrataError) return err;
    const message = err instanceof Error ? err.message : String(err);
    // gzip: Z_BUF_ERROR "unexpected end of file"; zstd: "unexpected EOF"; xz: status 8 (buffer
    // error), or a TypeError from inside xz-decompress when its input ran out.
    const truncated = /unexpected end of file|unexpected EOF|error code 8\b/i.test(message) || (compression === 'xz' && this.rawEnded && err instanceof TypeError);
    const reason = truncated ? 'the data ends too soon' : describe(message);
    // No `cause`: zlib's errors carry codes (Z_BUF_ERROR) that would be appended to the line as
    // if they were system errors; the reason is already in it.
    return new StrataError(`corrupt ${compression} data (${reason})`);
  }
}

/** xz-decompress reports xz-embedded's status codes as bare numbers. */
function describe(message: string): string {
  const code = /error code (\d+)/.exec(message)?.[1];
  const xz: Record<string, string> = { '2': 'unsupported integrity check', '3': 'out of memory', '4': 'memory limit reached', '5': 'not an xz stream', '6': 'unsupported options', '7': 'corrupt data' };
  return code ? xz[code] ?? `decoder status ${code}` : message;
}
