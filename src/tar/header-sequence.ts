// The one reader of a tar's sequence of headers. Whatever reads a tar — a layer streamed into the
// store (reader.ts), an image archive indexed in place (positional-reader.ts) — hands each header
// block to a TarHeaderSequence, which says what follows it: a member (its header with every
// extension record applied, and where its data starts), an extension header's data (which the
// reader hands back through extension()), or the end of the archive. It reads no bytes itself, so
// a reader that streams and a reader that seeks get the same verdict on the same archive:
//   - an extension header's data (PAX `x`/`g`, GNU `L`/`K`) is at most 1 MiB;
//   - a `g` header's records replace those of any earlier `g` and apply to every later member,
//     beneath the member's own `x` records;
//   - a GNU long name and a PAX path that differ (or long link and linkpath) are refused;
//   - typeflags as GNU tar reads them: 'X' (Solaris) is a PAX 'x'; a volume label ('V') and a
//     Solaris ACL ('A', which describes the member after it) are skipped with their data; a GNU
//     dumpdir ('D') is a directory whose data (its listing) is skipped; a continuation of another
//     volume ('M') and the obsolete 'N' are refused; any other unknown type is a regular file
//     ("extracted as normal file"); header-only types carry no data;
//   - GNU sparse members (sparse.ts): an old 'S' header's extension blocks and a PAX 1.0 map, which
//     come before the stored data, are read through sparseMapBlock();
//   - the first zero block ends the archive; an input that stops anywhere but at a member
//     boundary is truncated, and so is one whose last extension header has no member after it.

import { displayPath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { SparseFile, TarHeader } from './header.js';
import { BLOCK_SIZE, TarHeaderError, isHeaderOnly, isZeroBlock, memberType, parseHeaderBlock } from './header.js';
import type { PaxRecords } from './pax.js';
import { applyPax, parsePaxRecords } from './pax.js';
import { SparseMapText, checkSparseMap, malformed, oldGnuSparse, oldGnuSparseExtension } from './sparse.js';

/** The most data one extension header may carry. It is held in memory, and names and xattrs never
 * need more (PATH_MAX is 4 KiB, an xattr value at most 64 KiB). Go's archive/tar, and so Docker and
 * containerd, refuses larger ones too; GNU tar sets no limit, but the names and xattrs it writes
 * there stay far below this one. */
export const MAX_EXTENSION_SIZE = 1 << 20;

export type HeaderEvent =
  /** A member: `header.size` bytes of data start at `dataAt`, padded to the next block. */
  | { readonly kind: 'entry'; readonly header: TarHeader; readonly dataAt: number }
  /** An extension header: its `size` bytes at `dataAt` go to extension() before the next header. */
  | { readonly kind: 'extension'; readonly size: number; readonly dataAt: number }
  /** A member nothing is made of (a volume label, a Solaris ACL): its `size` bytes at `dataAt`
   * and their padding are skipped. */
  | { readonly kind: 'skip'; readonly size: number; readonly dataAt: number }
  /** A sparse member's map goes on in the block at `at`: hand it, and each next block, to
   * sparseMapBlock() until that returns the member. */
  | { readonly kind: 'sparse-map'; readonly at: number }
  /** A zero block: the archive ends; whatever follows is not read as headers. */
  | { readonly kind: 'end' };

const END: HeaderEvent = { kind: 'end' };

/** What the last header introduced: where a stream that stops short stopped. */
interface Region {
  readonly kind: 'entry' | 'extension';
  readonly dataAt: number;
  readonly size: number;
}

/** A sparse member whose map is still being read: old GNU extension blocks, or PAX 1.0 text. */
interface PendingSparse {
  readonly header: TarHeader;
  readonly file: SparseFile;
  /** Offset of the member's header block, for a truncation message. */
  readonly at: number;
  /** Bytes of data the header's size field counts (PAX 1.0: the map blocks as well). */
  readonly size: number;
  readonly text: SparseMapText | undefined;
  blocks: number;
}

interface AwaitedExtension {
  readonly typeflag: string;
  /** Offset of its header block. */
  readonly at: number;
  readonly size: number;
}

export class TarHeaderSequence {
  /** Offset of the next header block: after the data and padding of the last header. */
  private next = 0;
  private ended = false;
  private last: Region | undefined;
  private awaited: AwaitedExtension | undefined;
  private globalPax: PaxRecords | undefined;
  private localPax: PaxRecords | undefined;
  private gnuLongName: string | undefined;
  private gnuLongLink: string | undefined;
  private lastName: string | undefined;
  private sparse: PendingSparse | undefined;

  /** Where the next header block is expected. */
  get nextHeaderAt(): number {
    return this.next;
  }

  /** Read the header block at `off` of `block`, which sits at `nextHeaderAt` in the archive.
   * Throws a one-line StrataError naming the entry or the byte offset when it cannot be read. */
  header(block: Uint8Array, off: number): HeaderEvent {
    if (this.ended || this.awaited || this.sparse) throw new Error('tar header read out of sequence');
    const at = this.next;
    if (isZeroBlock(block, off)) {
      // The first zero block ends the archive, as GNU tar without --ignore-zeros and Go read it.
      if (this.pendingExtensions()) throw new StrataError(`tar archive ends after an extended header with no entry${this.afterLast()}`);
      this.ended = true;
      this.next = at + BLOCK_SIZE;
      return END;
    }
    let raw;
    try {
      raw = parseHeaderBlock(block, off);
    } catch (err) {
      throw this.headerError(err, at);
    }
    const { typeflag } = raw;
    const dataAt = at + BLOCK_SIZE;
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'X' || typeflag === 'L' || typeflag === 'K') {
      if (raw.size > MAX_EXTENSION_SIZE) throw new StrataError(`tar header at byte ${at}${this.afterLast()}: extended header of ${raw.size} bytes is too large`);
      this.awaited = { typeflag, at, size: raw.size };
      this.advance({ kind: 'extension', dataAt, size: raw.size });
      return { kind: 'extension', size: raw.size, dataAt };
    }
    const h: TarHeader = {
      name: raw.name, type: 'file', mode: raw.mode, uid: raw.uid, gid: raw.gid, size: raw.size, mtime: raw.mtime,
      linkName: raw.linkName, uname: raw.uname, gname: raw.gname, devMajor: raw.devMajor, devMinor: raw.devMinor,
      xattrs: undefined, sparse: undefined,
    };
    let extended = false;
    try {
      if (typeflag === 'S') ({ file: h.sparse, extended } = oldGnuSparse(block, off));
      applyPax(h, this.globalPax, this.localPax);
      // GNU tar lets a PAX path win over a GNU long name, Go (and so Docker) the long name: a
      // member that names itself both ways, differently, would be two members to two tools.
      h.name = this.gnuName(this.gnuLongName, h.name, 'path', 'long name');
      h.linkName = this.gnuName(this.gnuLongLink, h.linkName, 'linkpath', 'long link name');
    } catch (err) {
      throw this.headerError(err, at, h.name);
    }
    this.localPax = undefined;
    this.gnuLongName = undefined;
    this.gnuLongLink = undefined;
    this.lastName = h.name;
    if (typeflag === 'V' || typeflag === 'A') {
      this.advance({ kind: 'entry', dataAt, size: raw.size });
      return { kind: 'skip', size: raw.size, dataAt };
    }
    const type = memberType(typeflag, h.name);
    if (type === undefined) {
      throw new StrataError(`tar entry "${displayPath(h.name)}": unsupported entry type ${describeTypeflag(typeflag)}`);
    }
    h.type = type;
    // A dumpdir's data is its listing, which is skipped: every other header-only type has none,
    // and only a regular file is sparse.
    if (isHeaderOnly(type)) {
      if (typeflag !== 'D') h.size = 0;
      h.sparse = undefined;
    }
    if (h.sparse !== undefined && (extended || h.sparse.regions === undefined)) {
      const text = h.sparse.regions === undefined ? new SparseMapText() : undefined;
      // A PAX 1.0 map takes at least one block of the member's data.
      if (text !== undefined && h.size < BLOCK_SIZE) throw this.headerError(malformed(), at, h.name);
      this.sparse = { header: h, file: h.sparse, at, size: h.size, text, blocks: 0 };
      this.last = { kind: 'entry', dataAt, size: h.size };
      this.next = dataAt;
      return { kind: 'sparse-map', at: dataAt };
    }
    return this.member(h, dataAt);
  }

  /** The next block of a sparse member's map (at `nextHeaderAt`): undefined while more follow,
   * then the member, whose stored data starts after the map. */
  sparseMapBlock(block: Uint8Array, off: number): HeaderEvent | undefined {
    const pending = this.sparse;
    if (pending === undefined) throw new Error('sparse map read out of sequence');
    pending.blocks++;
    this.next += BLOCK_SIZE;
    const h = pending.header;
    try {
      if (pending.text !== undefined) {
        const regions = pending.text.block(block, off);
        if (regions === undefined) {
          if (pending.text.size >= pending.size) throw malformed();
          return undefined;
        }
        pending.file.regions = regions;
        h.size = pending.size - pending.text.size;
      } else if (oldGnuSparseExtension(block, off, pending.file, pending.blocks)) {
        return undefined;
      }
    } catch (err) {
      throw this.headerError(err, pending.at, h.name);
    }
    this.sparse = undefined;
    return this.member(h, this.next);
  }

  private member(h: TarHeader, dataAt: number): HeaderEvent {
    if (h.sparse !== undefined) {
      try {
        checkSparseMap(h.sparse, h.size);
      } catch (err) {
        throw this.headerError(err, dataAt, h.name);
      }
    }
    this.advance({ kind: 'entry', dataAt, size: h.size });
    return { kind: 'entry', header: h, dataAt };
  }

  /** The data of the extension header just read, all `size` bytes of it. */
  extension(data: Buffer): void {
    const ext = this.awaited;
    if (ext === undefined || data.length !== ext.size) throw new Error('tar extension data out of sequence');
    this.awaited = undefined;
    switch (ext.typeflag) {
      case 'L': this.gnuLongName = nulTerminated(data); break;
      case 'K': this.gnuLongLink = nulTerminated(data); break;
      default:
        try {
          const records = parsePaxRecords(data);
          // GNU tar's rule (xheader_decode_global): a global header replaces the records of every
          // earlier one, so they never pile up. POSIX would merge them key by key; Go returns them
          // as entries of their own and applies them to nothing.
          if (ext.typeflag === 'g') this.globalPax = records;
          else this.localPax = records;
        } catch (err) {
          throw this.headerError(err, ext.at);
        }
    }
  }

  /** The input ended after `length` bytes. Throws unless that is the end of the archive, or a
   * member boundary (an archive without its end-of-archive blocks is accepted, as Go reads it). */
  end(length: number): void {
    if (this.ended) return;
    if (this.sparse !== undefined) throw new StrataError(`tar entry "${displayPath(this.sparse.header.name)}": truncated (the archive ends inside its sparse map)`);
    if (length === this.next) {
      if (!this.pendingExtensions()) return;
      throw new StrataError(`tar archive ends after an extended header with no entry${this.afterLast()}`);
    }
    const last = this.last;
    if (length > this.next || last === undefined) throw new StrataError(`tar archive is truncated (it ends inside a header${this.afterLast()})`);
    if (length >= last.dataAt + last.size) throw new StrataError(`tar archive is truncated (it ends inside the padding${this.afterLast()})`);
    if (last.kind === 'extension') throw new StrataError(`tar archive is truncated (it ends inside an extended header${this.afterLast()})`);
    throw new StrataError(`tar entry "${displayPath(this.lastName!)}": truncated (the archive ends after ${length - last.dataAt} of ${last.size} bytes)`);
  }

  private advance(region: Region): void {
    this.last = region;
    this.next = region.dataAt + region.size + padding(region.size);
  }

  /** The name a GNU long-name record gives, which must agree with a PAX record for the same. */
  private gnuName(gnu: string | undefined, current: string, key: string, what: string): string {
    if (gnu === undefined) return current;
    const pax = this.paxValue(key);
    if (pax !== undefined && pax !== gnu) throw new TarHeaderError(`its GNU ${what} and its PAX ${key} differ`);
    return gnu;
  }

  /** The value a PAX record gives `key` for the coming member, if any (an empty one cancels). */
  private paxValue(key: string): string | undefined {
    const value = this.localPax?.has(key) ? this.localPax.get(key) : this.globalPax?.get(key);
    return value === '' ? undefined : value;
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

/** Zero bytes after `size` bytes of data up to the next block boundary. */
function padding(size: number): number {
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
