// Reading a replayable stream by byte ranges, for chunked uploads: ranges are asked in increasing
// order, and a range before what was already read (a resume after 416, at the offset the registry
// names) opens the stream again and skips to it.

export class ByteWindow {
  private iterator: AsyncIterator<Uint8Array> | undefined;
  /** Bytes read but not yet handed out, and the stream offset of their first byte. */
  private pending: Buffer = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly open: () => AsyncIterable<Uint8Array>, readonly length: number) {}

  /** Bytes [from, to) of the stream, from < to <= length. */
  async read(from: number, to: number): Promise<Buffer> {
    if (this.iterator === undefined || from < this.start) this.restart();
    while (this.start + this.pending.length <= from) {
      this.start += this.pending.length;
      this.pending = await this.next();
    }
    this.pending = this.pending.subarray(from - this.start);
    this.start = from;
    const parts = [this.pending];
    let have = this.pending.length;
    while (have < to - from) {
      const chunk = await this.next();
      parts.push(chunk);
      have += chunk.length;
    }
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
    this.pending = all.subarray(to - from);
    this.start = to;
    return all.subarray(0, to - from);
  }

  close(): void {
    void this.iterator?.return?.();
    this.iterator = undefined;
  }

  private restart(): void {
    this.close();
    this.iterator = this.open()[Symbol.asyncIterator]();
    this.pending = Buffer.alloc(0);
    this.start = 0;
  }

  private async next(): Promise<Buffer> {
    const r = await this.iterator!.next();
    if (r.done) throw new Error(`the blob ended before its ${this.length} bytes`);
    return Buffer.from(r.value.buffer, r.value.byteOffset, r.value.length);
  }
}
