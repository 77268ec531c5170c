// A streaming, synchronous tar parser. Chunks of any size go in through push(); the visitor hears
// about every byte exactly once, as either
//   - meta: header blocks (extension headers and their data included), padding, the end-of-archive
//     blocks and anything after them — what tar-split keeps, or
//   - content: the data of a member, between entry() and entryEnd().
// What the headers mean is header-sequence.ts's to say; this file only cuts the stream into
// headers, extension data, content and padding. No byte is copied except a header that straddles
// two chunks and extension-header data. Content slices are views of the caller's chunk: valid only
// during the call.

import type { TarHeader } from './header.js';
import { BLOCK_SIZE } from './header.js';
import type { HeaderEvent } from './header-sequence.js';
import { TarHeaderSequence } from './header-sequence.js';

export interface TarVisitor {
  meta(bytes: Buffer): void;
  /** A member, extension records applied; `header.size` bytes of content follow (for a sparse
   * member, `header.sparse` says where each region of them goes). */
  entry(header: TarHeader): void;
  content(bytes: Buffer): void;
  entryEnd(): void;
}

const enum State { Header, SparseMap, Extension, Content, Padding, Trailer }

const NO_DATA = Buffer.alloc(0);

export class TarParser {
  private readonly headers = new TarHeaderSequence();
  private state = State.Header;
  private readonly carry = Buffer.alloc(BLOCK_SIZE);
  private carryLen = 0;
  /** Bytes left in the current content, extension data or padding. */
  private remaining = 0;
  /** The data of the extension header being read, and how much of it has arrived. */
  private extension = NO_DATA;
  private filled = 0;
  /** Stream offset of the next byte pushed. */
  private offset = 0;

  constructor(private readonly visitor: TarVisitor) {}

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.offset;
  }

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      switch (this.state) {
        case State.Header:
        case State.SparseMap: {
          // Header blocks and the blocks of a sparse member's map, whole.
          if (this.carryLen === 0 && n - pos >= BLOCK_SIZE) {
            pos += BLOCK_SIZE;
            this.offset += BLOCK_SIZE;
            this.block(buf, pos - BLOCK_SIZE);
          } else {
            const take = Math.min(BLOCK_SIZE - this.carryLen, n - pos);
            buf.copy(this.carry, this.carryLen, pos, pos + take);
            this.carryLen += take;
            pos += take;
            this.offset += take;
            if (this.carryLen === BLOCK_SIZE) {
              this.carryLen = 0;
              this.block(this.carry, 0);
            }
          }
          break;
        }
        case State.Content: {
          const take = Math.min(this.remaining, n - pos);
          this.visitor.content(buf.subarray(pos, pos + take));
          pos += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.visitor.entryEnd();
            this.startPadding();
          }
          break;
        }
        case State.Extension: {
          const take = Math.min(this.remaining, n - pos);
          buf.copy(this.extension, this.filled, pos, pos + take);
          this.visitor.meta(buf.subarray(pos, pos + take));
          this.filled += take;
          pos += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.finishExtension();
          break;
        }
        case State.Padding: {
          const take = Math.min(this.remaining, n - pos);
          this.visitor.meta(buf.subarray(pos, pos + take));
          pos += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.Header;
          break;
        }
        case State.Trailer: {
          this.visitor.meta(buf.subarray(pos));
          this.offset += n - pos;
          pos = n;
          break;
        }
      }
    }
  }

  /** The stream has ended: throws when it stopped anywhere but the end of the archive or a member
   * boundary (header-sequence.ts says which entry or header it stopped in). */
  end(): void {
    this.headers.end(this.offset);
  }

  private block(block: Buffer, off: number): void {
    this.visitor.meta(block.subarray(off, off + BLOCK_SIZE));
    if (this.state === State.Header) {
      this.event(this.headers.header(block, off));
    } else {
      const event = this.headers.sparseMapBlock(block, off);
      if (event !== undefined) this.event(event);
    }
  }

  private event(event: HeaderEvent): void {
    switch (event.kind) {
      case 'end':
        // Whatever follows, the second zero block and record padding included, is kept as meta.
        this.state = State.Trailer;
        return;
      case 'extension':
        this.extension = event.size === 0 ? NO_DATA : Buffer.alloc(event.size);
        this.filled = 0;
        this.remaining = event.size;
        if (event.size === 0) this.finishExtension();
        else this.state = State.Extension;
        return;
      case 'skip':
        // A member nothing is made of: its data is kept like padding.
        this.startPadding();
        return;
      case 'sparse-map':
        this.state = State.SparseMap;
        return;
      case 'entry':
        this.visitor.entry(event.header);
        this.remaining = event.header.size;
        if (this.remaining > 0) {
          this.state = State.Content;
        } else {
          this.visitor.entryEnd();
          this.startPadding();
        }
    }
  }

  private finishExtension(): void {
    const data = this.extension;
    this.extension = NO_DATA;
    this.headers.extension(data);
    this.startPadding();
  }

  /** What is left before the next header is padding. */
  private startPadding(): void {
    this.remaining = this.headers.nextHeaderAt - this.offset;
    this.state = this.remaining > 0 ? State.Padding : State.Header;
  }
}
