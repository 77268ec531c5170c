// A streaming, synchronous tar parser. Chunks of any size go in through push(); the visitor hears
// about every byte exactly once, as either
//   - meta: header blocks (extension headers and their data included), padding, the end-of-archive
//     blocks and anything after them — what tar-split keeps, or
//   - content: the data of a member, between entry() and entryEnd().
// No byte is copied except a header that straddles two chunks and extension-header data. Content
// slices are views of the caller's chunk: valid only during the call.

import { displayPath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { TarHeader } from './header.js';
import { BLOCK_SIZE, TarHeaderError, isHeaderOnly, isZeroBlock, memberType, parseHeaderBlock } from './header.js';
import type { PaxRecords } from './pax.js';
import { applyPax, parsePaxRecords } from './pax.js';

export interface TarVisitor {
  meta(bytes: Buffer): void;
  /** A member, extension records applied; `header.size` bytes of content follow. */
  entry(header: TarHeader): void;
  content(bytes: Buffer): void;
  entryEnd(): void;
}

/** Extension data larger than this is refused: names and xattrs never need it, and it is held in
 * memory. */
const MAX_EXTENSION_SIZE = 8 << 20;

const enum State { Header, Extension, Content, Padding, Trailer }

interface PendingExtension {
  readonly typeflag: string;
  /** Stream offset of its header block. */
  readonly at: number;
  readonly data: Buffer;
  filled: number;
}

export class TarParser {
  private state = State.Header;
  private readonly carry = Buffer.alloc(BLOCK_SIZE);
  private carryLen = 0;
  /** Bytes left in the current content, extension data or padding. */
  private remaining = 0;
  private padding = 0;
  private extension: PendingExtension | undefined;
  private globalPax: PaxRecords | undefined;
  private localPax: PaxRecords | undefined;
  private gnuLongName: string | undefined;
  private gnuLongLink: string | undefined;
  private current: TarHeader | undefined;
  private lastName: string | undefined;
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
        case State.Header: {
          if (this.carryLen === 0 && n - pos >= BLOCK_SIZE) {
            const at = this.offset;
            pos += BLOCK_SIZE;
            this.offset += BLOCK_SIZE;
            this.header(buf, pos - BLOCK_SIZE, at);
          } else {
            const take = Math.min(BLOCK_SIZE - this.carryLen, n - pos);
            buf.copy(this.carry, this.carryLen, pos, pos + take);
            this.carryLen += take;
            pos += take;
            this.offset += take;
            if (this.carryLen === BLOCK_SIZE) {
              this.carryLen = 0;
              this.header(this.carry, 0, this.offset - BLOCK_SIZE);
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
            this.current = undefined;
            this.visitor.entryEnd();
            this.startPadding();
          }
          break;
        }
        case State.Extension: {
          const ext = this.extension!;
          const take = Math.min(this.remaining, n - pos);
          buf.copy(ext.data, ext.filled, pos, pos + take);
          this.visitor.meta(buf.subarray(pos, pos + take));
          ext.filled += take;
          pos += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.finishExtension(ext);
            this.startPadding();
          }
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

  /** The stream has ended: throws when it stopped inside a member or a header. An archive that
   * ends at a member boundary without end-of-archive blocks is accepted, as Go's reader does. */
  end(): void {
    switch (this.state) {
      case State.Trailer:
        return;
      case State.Header:
        if (this.carryLen === 0 && !this.pendingExtensions()) return;
        throw new StrataError(`tar archive is truncated (it ends inside a header${this.afterLast()})`);
      case State.Content: {
        const h = this.current!;
        throw new StrataError(`tar entry "${displayPath(h.name)}": truncated (the archive ends after ${h.size - this.remaining} of ${h.size} bytes)`);
      }
      case State.Extension:
        throw new StrataError(`tar archive is truncated (it ends inside an extended header${this.afterLast()})`);
      case State.Padding:
        throw new StrataError(`tar archive is truncated (it ends inside the padding${this.afterLast()})`);
    }
  }

  private header(block: Buffer, off: number, at: number): void {
    this.visitor.meta(block.subarray(off, off + BLOCK_SIZE));
    if (isZeroBlock(block, off)) {
      // The first zero block ends the archive (GNU tar without --ignore-zeros, Go): whatever
      // follows, the second zero block and record padding included, is kept as meta.
      if (this.pendingExtensions()) throw new StrataError(`tar archive ends after an extended header with no entry${this.afterLast()}`);
      this.state = State.Trailer;
      return;
    }
    let raw;
    try {
      raw = parseHeaderBlock(block, off);
    } catch (err) {
      throw this.headerError(err, at);
    }
    const { typeflag } = raw;
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (raw.size > MAX_EXTENSION_SIZE) throw new StrataError(`tar header at byte ${at}${this.afterLast()}: extended header of ${raw.size} bytes is too large`);
      this.extension = { typeflag, at, data: Buffer.alloc(raw.size), filled: 0 };
      this.remaining = raw.size;
      this.padding = padTo512(raw.size);
      if (raw.size === 0) {
        this.finishExtension(this.extension);
        this.startPadding();
      } else {
        this.state = State.Extension;
      }
      return;
    }
    const h: TarHeader = {
      name: raw.name, type: 'file', mode: raw.mode, uid: raw.uid, gid: raw.gid, size: raw.size, mtime: raw.mtime,
      linkName: raw.linkName, uname: raw.uname, gname: raw.gname, devMajor: raw.devMajor, devMinor: raw.devMinor,
      xattrs: undefined,
    };
    try {
      applyPax(h, this.globalPax, this.localPax);
    } catch (err) {
      throw this.headerError(err, at, h.name);
    }
    if (this.gnuLongName !== undefined) h.name = this.gnuLongName;
    if (this.gnuLongLink !== undefined) h.linkName = this.gnuLongLink;
    this.localPax = undefined;
    this.gnuLongName = undefined;
    this.gnuLongLink = undefined;
    const type = memberType(typeflag, h.name);
    if (type === undefined) {
      throw new StrataError(`tar entry "${displayPath(h.name)}": unsupported entry type ${describeTypeflag(typeflag)}`);
    }
    h.type = type;
    if (isHeaderOnly(type)) h.size = 0;
    this.lastName = h.name;
    this.current = h;
    this.visitor.entry(h);
    this.remaining = h.size;
    this.padding = padTo512(h.size);
    if (h.size > 0) {
      this.state = State.Content;
    } else {
      this.current = undefined;
      this.visitor.entryEnd();
      this.startPadding();
    }
  }

  private finishExtension(ext: PendingExtension): void {
    this.extension = undefined;
    switch (ext.typeflag) {
      case 'L': this.gnuLongName = nulTerminated(ext.data); break;
      case 'K': this.gnuLongLink = nulTerminated(ext.data); break;
      default:
        try {
          const records = parsePaxRecords(ext.data);
          if (ext.typeflag === 'x') {
            this.localPax = records;
          } else {
            this.globalPax = new Map([...(this.globalPax ?? []), ...records]);
            // Global records accumulate: bound their sum as one extension header is bounded.
            let total = 0;
            for (const [k, v] of this.globalPax) total += k.length + v.length;
            if (total > MAX_EXTENSION_SIZE) throw new TarHeaderError('global PAX records are too large');
          }
        } catch (err) {
          throw this.headerError(err, ext.at);
        }
    }
  }

  private startPadding(): void {
    this.remaining = this.padding;
    this.state = this.padding > 0 ? State.Padding : State.Header;
  }

  private pendingExtensions(): boolean {
    return this.localPax !== undefined || this.gnuLongName !== undefined || this.gnuLongLink !== undefined;
  }

  private afterLast(): string {
    return this.lastName === undefined ? '' : ` after entry "${displayPath(this.lastName)}"`;
  }

  private headerError(err: unknown, at: number, name?: string): unknown {
    if (!(err instanceof TarHeaderError)) return err;
    if (name !== undefined) return new StrataError(`tar entry "${displayPath(name)}": ${err.message}`);
    return new StrataError(`tar header at byte ${at}${this.afterLast()}: ${err.message}`);
  }
}

function padTo512(size: number): number {
  return (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
}

function nulTerminated(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.toString('latin1', 0, nul === -1 ? data.length : nul);
}

function describeTypeflag(typeflag: string): string {
  const code = typeflag.charCodeAt(0);
  return code >= 0x21 && code < 0x7f ? `'${typeflag}'` : `0x${code.toString(16).padStart(2, '0')}`;
}
