// GNU sparse files: a member whose data holds only a file's non-hole regions, one after another,
// with a map saying where each goes in a file of `realSize` bytes. GNU tar writes the map four
// ways, and extracts each by seeking to every region and writing it, leaving the rest a hole:
//   - old GNU ('S' typeflag): up to 4 regions in the header block (offset 386), more in extension
//     blocks that follow it (21 each) while the "isextended" byte is set, the real size at 483;
//   - PAX 0.0: repeated GNU.sparse.offset / GNU.sparse.numbytes records (pax.ts gathers them in
//     order into the 0.1 form), GNU.sparse.size;
//   - PAX 0.1: GNU.sparse.map "offset,length,offset,length…", GNU.sparse.size;
//   - PAX 1.0 (GNU.sparse.major=1): the map is text at the start of the member's data — decimal
//     numbers each ended by '\n': the count of regions, then each region's offset and length —
//     padded with zeros to a block boundary; the real size is GNU.sparse.realsize, the real name
//     GNU.sparse.name.
// A map that does not read, or a region outside the real size, is the error GNU tar calls a
// "malformed sparse archive member".

import type { SparseFile, SparseRegion } from './header.js';
import { TarHeaderError, parseNumber } from './header.js';

/** A map is held in memory: like an extension header, it may take at most this many bytes (PAX 1.0
 * text, or old GNU extension blocks). */
const MAX_MAP_BYTES = 1 << 20;
const OLD_ENTRY = 24;

export function malformed(): TarHeaderError {
  return new TarHeaderError('malformed sparse archive member');
}

/** Regions of old-GNU entries (offset[12], numbytes[12]) from `count` entries at `at`. GNU tar's
 * rule (oldgnu_add_sparse): an entry whose numbytes field starts with a NUL ends the map. Returns
 * whether every entry was read (only then does an extension block follow). */
function readOldEntries(block: Uint8Array, at: number, count: number, into: SparseRegion[]): boolean {
  for (let i = 0; i < count; i++) {
    const e = at + i * OLD_ENTRY;
    if (block[e + 12] === 0) return false;
    into.push({ offset: parseNumber(block, e, 12, 'sparse offset'), length: parseNumber(block, e + 12, 12, 'sparse length') });
  }
  return true;
}

/** An old GNU 'S' header's map: its regions, its real size, and whether extension blocks follow. */
export function oldGnuSparse(block: Uint8Array, off: number): { file: SparseFile; extended: boolean } {
  const regions: SparseRegion[] = [];
  const whole = readOldEntries(block, off + 386, 4, regions);
  const realSize = parseNumber(block, off + 483, 12, 'sparse real size');
  return { file: { realSize, regions }, extended: whole && block[off + 482] !== 0 };
}

/** One old GNU sparse extension block: adds its regions; true when another block follows. */
export function oldGnuSparseExtension(block: Uint8Array, off: number, file: SparseFile, blocksRead: number): boolean {
  if (blocksRead * 512 > MAX_MAP_BYTES) throw new TarHeaderError('sparse map is too large');
  const whole = readOldEntries(block, off, 21, file.regions!);
  return whole && block[off + 504] !== 0;
}

/** The PAX 0.1 map text (0.0's records gathered into it). */
export function paxSparseRegions(map: string): SparseRegion[] {
  if (map === '') return [];
  const numbers = map.split(',');
  if (numbers.length % 2 !== 0) throw malformed();
  const regions: SparseRegion[] = [];
  for (let i = 0; i < numbers.length; i += 2) regions.push({ offset: decimal(numbers[i]!), length: decimal(numbers[i + 1]!) });
  return regions;
}

/** Reads a PAX 1.0 map from the member's data, one block at a time. */
export class SparseMapText {
  private readonly numbers: number[] = [];
  private digits = '';
  private bytes = 0;

  /** Feed the next data block; returns the regions once the map is complete (the map ends with
   * the block its last number ends in). */
  block(block: Uint8Array, off: number): SparseRegion[] | undefined {
    this.bytes += 512;
    if (this.bytes > MAX_MAP_BYTES) throw new TarHeaderError('sparse map is too large');
    for (let i = off; i < off + 512; i++) {
      const c = block[i]!;
      if (c === 0x0a) {
        this.numbers.push(decimal(this.digits));
        this.digits = '';
        const count = this.numbers[0]!;
        if (this.numbers.length === 1 + 2 * count) return this.regions();
      } else if (c >= 0x30 && c <= 0x39 && this.digits.length < 20) {
        this.digits += String.fromCharCode(c);
      } else {
        throw malformed();
      }
    }
    return undefined;
  }

  /** Bytes of data the map took (whole blocks). */
  get size(): number {
    return this.bytes;
  }

  private regions(): SparseRegion[] {
    const regions: SparseRegion[] = [];
    for (let i = 1; i < this.numbers.length; i += 2) regions.push({ offset: this.numbers[i]!, length: this.numbers[i + 1]! });
    return regions;
  }
}

/** A complete map must place every stored byte (`stored` of them) inside the real size. */
export function checkSparseMap(file: SparseFile, stored: number): void {
  let total = 0;
  for (const r of file.regions!) {
    if (r.offset + r.length > file.realSize) throw malformed();
    total += r.length;
  }
  if (total !== stored) throw malformed();
}

function decimal(text: string): number {
  if (!/^\d{1,20}$/.test(text)) throw malformed();
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw malformed();
  return n;
}
