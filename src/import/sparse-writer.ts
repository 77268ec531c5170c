// Writes a GNU sparse member (tar/sparse.ts) as GNU tar extracts one: each stored region at its
// offset, the file then cut to its real size, so whatever no region covers is a hole where the
// file system has holes (and reads as zeros everywhere). Its digest is of the whole file, holes
// included, read back once written: regions may come in any order, so it cannot be hashed as
// they arrive.

import { ftruncateSync, readSync, writeSync } from 'node:fs';
import type { IHasher } from 'hash-wasm';
import type { SparseFile, SparseRegion } from '../tar/header.js';

const READ_BACK = 1 << 20;

export class SparseWriter {
  private readonly regions: readonly SparseRegion[];
  /** The region the next stored byte belongs to, and how much of it is written. */
  private region = 0;
  private written = 0;

  constructor(private readonly file: SparseFile) {
    this.regions = file.regions!;
  }

  /** The next stored bytes, in the order the member holds them. */
  write(fd: number, bytes: Buffer): void {
    for (let off = 0; off < bytes.length;) {
      while (this.written === this.regions[this.region]!.length) {
        this.region++;
        this.written = 0;
      }
      const r = this.regions[this.region]!;
      const k = Math.min(r.length - this.written, bytes.length - off);
      for (let done = 0; done < k;) done += writeSync(fd, bytes, off + done, k - done, r.offset + this.written + done);
      this.written += k;
      off += k;
    }
  }

  /** Give the file its real size and feed its whole content to `hasher`. */
  finish(fd: number, hasher: IHasher): void {
    ftruncateSync(fd, this.file.realSize);
    const buf = Buffer.allocUnsafe(Math.min(READ_BACK, this.file.realSize));
    for (let at = 0; at < this.file.realSize;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, this.file.realSize - at), at);
      if (n === 0) throw new Error(`sparse file ends at ${at} of ${this.file.realSize} bytes`);
      hasher.update(n === buf.length ? buf : buf.subarray(0, n));
      at += n;
    }
  }
}
