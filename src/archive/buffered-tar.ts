// A canonical tar gathered in a large buffer and written to its output in big pieces. Headers are
// encoded in place and file contents read straight into the free space, so an entry costs its
// own system calls and no stream write, promise or await: a stream write and an await per entry
// made exporting a layer of 100,000 empty files take ≈ 270 µs an entry, almost all of it waiting
// on the event loop.
//
// When the output stream has a file descriptor (stdout, a file), the buffer goes to it with
// write(2) as it fills, a piece at a time, so a pipe's reader works while the next files are read
// — as with GNU tar, which writes a record at a time. Node.js makes a pipe on stdout non-blocking:
// when it is full (EAGAIN) the rest of the buffer goes through the stream, which waits for room,
// and direct writes resume once it has written it. Without a descriptor everything goes through
// the stream, a few buffers in flight at most so memory stays bounded.

import { readSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { errnoOf } from '../base/errors.js';
import { OutputBroken } from './output-file.js';
import { BLOCK_SIZE } from '../tar/header.js';
import { encodeEntryHeader, paddingSize, writeEntryHeader, type TarWriteEntry } from '../tar/writer.js';

/** 1 MiB: a multiple of the tar block, so content padding always fits in the buffer its content
 * ended in; large enough that a stream write per buffer costs nothing next to filling it. */
const BUFFER_SIZE = 1 << 20;
/** Direct writes once this much is waiting: a pipe's capacity on Linux. */
const WRITE_SIZE = 64 << 10;
/** Buffers handed to a stream (no descriptor) and not yet written, at most. */
const IN_FLIGHT = 2;
const CANONICAL = { canonical: true } as const;
const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK_SIZE);

export class BufferedTar {
  private buf: Buffer;
  /** Bytes filled; of those, bytes already written to the descriptor; the fill at which to try
   * a direct write again. */
  private pos = 0;
  private written = 0;
  private writeAt = WRITE_SIZE;
  /** The output's descriptor, while direct writes are possible. */
  private readonly fd: number | undefined;
  /** Stream writes not yet done, buffers free for reuse, the first write error. */
  private inFlight = 0;
  private readonly spare: Buffer[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onError = (err: Error) => this.fail(err);
  /** Where the byte past a large file's size is read, that must not be there. */
  private readonly probe = Buffer.alloc(1);

  constructor(private readonly out: Writable, private readonly size = BUFFER_SIZE) {
    if (size <= 0 || size % BLOCK_SIZE !== 0) throw new RangeError(`buffer size ${size} is not a positive multiple of ${BLOCK_SIZE}`);
    this.buf = Buffer.allocUnsafeSlow(size);
    const fd = (out as { fd?: unknown }).fd;
    this.fd = typeof fd === 'number' && out.writableLength === 0 ? fd : undefined;
    // A reader that goes away (EPIPE) fails the export with one line, not an unhandled 'error'.
    out.on('error', this.onError);
  }

  /** An entry's header blocks. A promise only when the buffer must be flushed first. */
  header(entry: TarWriteEntry): Promise<void> | undefined {
    const n = writeEntryHeader(this.buf, this.pos, entry, CANONICAL);
    if (n < 0) return this.putAfterFlush(encodeEntryHeader(entry, CANONICAL));
    this.pos += n;
    if (this.pos >= this.writeAt) this.writeDirect();
    return undefined;
  }

  /** A whole entry's content, given at once, and its padding. */
  async content(bytes: Buffer): Promise<void> {
    await this.put(bytes);
    this.pad(bytes.length);
  }

  /** A regular file: its header, `size` bytes read from `fd` (at its current position) straight
   * into the buffer, and their padding. Synchronous, with no promise, when all of it fits in what
   * is left of the buffer, as most files do. Returns the length the file turned out to have, up
   * to `size` + 1: `size` when it ends exactly there, and anything else means the archive is
   * unusable (the caller fails). No fstat: a read of one byte more than `size` that comes back
   * short ends at the end of the file, as a regular file's reads do. */
  file(entry: TarWriteEntry, fd: number, size: number): number | Promise<number> {
    const room = this.size - this.pos;
    // One byte more than the content and its padding: room for the byte that must not come.
    const rest = size + paddingSize(size) + 1;
    if (BLOCK_SIZE + rest > room) return this.fileAcrossBuffers(entry, fd, size);
    const n = writeEntryHeader(this.buf, this.pos, entry, CANONICAL);
    if (n < 0 || n + rest > room) return this.fileAcrossBuffers(entry, fd, size);
    this.pos += n;
    let got = 0;
    for (;;) {
      const want = size + 1 - got;
      const read = readSync(fd, this.buf, this.pos + got, want, null);
      got += read;
      // The end, more than `size`, or a short read at `size`: the end of a regular file. A short
      // read before `size` reads on, so only a read of nothing says the file is shorter.
      if (read === 0 || got > size || (read < want && got === size)) break;
    }
    if (got !== size) return got;
    this.pos += size;
    this.pad(size);
    if (this.pos >= this.writeAt) this.writeDirect();
    return size;
  }

  private async fileAcrossBuffers(entry: TarWriteEntry, fd: number, size: number): Promise<number> {
    await this.header(entry);
    let got = 0;
    while (got < size) {
      if (this.pos === this.size) await this.flush();
      const read = readSync(fd, this.buf, this.pos, Math.min(size - got, this.size - this.pos), null);
      if (read === 0) return got;
      this.pos += read;
      got += read;
      if (this.pos >= this.writeAt) this.writeDirect();
    }
    if (readSync(fd, this.probe, 0, 1, null) > 0) return size + 1;
    this.pad(size);
    return size;
  }

  /** The end-of-archive blocks, then every byte written. */
  async finish(): Promise<void> {
    await this.put(END_OF_ARCHIVE);
    await this.flush();
    await this.inFlightAtMost(0);
    this.out.off('error', this.onError);
  }

  /** Zeros to the next block after content of `size` bytes. The archive so far is block-aligned
   * up to that content and the buffer size is a multiple of the block, so they fit. */
  private pad(size: number): void {
    const n = paddingSize(size);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Copies `bytes` in; a promise only when they do not fit. */
  private put(bytes: Buffer): Promise<void> | undefined {
    if (bytes.length > this.size - this.pos) return this.putAfterFlush(bytes);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return undefined;
  }

  /** Bytes that did not fit: after a flush, copied into the empty buffer, or written whole when
   * larger than a buffer. */
  private async putAfterFlush(bytes: Buffer): Promise<void> {
    await this.flush();
    if (bytes.length <= this.size) {
      this.buf.set(bytes, 0);
      this.pos = bytes.length;
    } else {
      await this.send(bytes);
    }
  }

  /** As much of the unwritten part as the descriptor takes now, without waiting: nothing while
   * the stream still holds earlier bytes (order), nothing more once the pipe is full. After a
   * full pipe the next try waits for another WRITE_SIZE of fill: a failed write costs an
   * exception object, too dear to pay per entry. */
  private writeDirect(): void {
    this.writeAt = this.pos + WRITE_SIZE;
    if (this.fd === undefined || this.inFlight > 0) return;
    try {
      while (this.written < this.pos) this.written += writeSync(this.fd, this.buf, this.written, this.pos - this.written);
    } catch (err) {
      // EAGAIN: a full pipe, EINTR: a signal; either way the stream takes the rest at the flush.
      const code = errnoOf(err);
      if (code !== 'EAGAIN' && code !== 'EINTR') this.fail(err as Error);
    }
    if (this.failure) throw this.failure;
  }

  /** Everything filled goes out (what the descriptor does not take, through the stream), and
   * filling starts again in an empty buffer. */
  private async flush(): Promise<void> {
    this.writeDirect();
    if (this.written < this.pos) {
      const full = this.buf;
      const rest = full.subarray(this.written, this.pos);
      // The stream keeps the buffer until its write is done: go on in another one.
      this.buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.size);
      await this.send(rest, full);
    }
    this.pos = 0;
    this.written = 0;
    this.writeAt = WRITE_SIZE;
  }

  /** A stream write; waits while too many are in flight. `reusable` is the buffer under `chunk`,
   * free again once it is written. */
  private async send(chunk: Buffer, reusable?: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.inFlight++;
    this.out.write(chunk, (err) => {
      this.inFlight--;
      if (err) this.fail(err);
      else if (reusable) this.spare.push(reusable);
      this.wake?.();
    });
    // With a descriptor, direct writes wait for the stream to be done (order); without one, a
    // buffer may stay queued while the next one fills.
    await this.inFlightAtMost(this.fd === undefined ? IN_FLIGHT - 1 : 0);
  }

  /** Until at most `n` stream writes are in flight; throws the output's error if one failed. */
  private async inFlightAtMost(n: number): Promise<void> {
    while (this.inFlight > n && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    if (this.failure) throw this.failure;
  }

  private fail(err: Error): void {
    this.failure ??= new OutputBroken(err);
    this.wake?.();
  }
}
