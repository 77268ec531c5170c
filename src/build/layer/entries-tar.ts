// The layer tar of a COPY or ADD, written straight from the files it copies: canonical headers
// (tar/writer.ts), contents read from the source into 1 MiB pieces, no copy made first. The store
// unpacks, indexes and digests it like any layer (store/layers.ts, addLayer).

import { closeSync, constants, openSync, readSync } from 'node:fs';
import { displayPath, type BytePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { EntryType } from '../../base/layer-index.js';
import { classifyEntry } from '../../import/whiteout.js';
import { TarWriter } from '../../tar/writer.js';

export interface NewEntry {
  /** Absolute in the image, normalized (a byte string). */
  readonly path: BytePath;
  readonly type: EntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly linkTarget?: string;
  /** A regular file's bytes: a host file (opened without following links) of the size it had
   * when it was listed, or bytes in memory. */
  readonly content?: { readonly host: string | Buffer; readonly size: number } | { readonly data: Buffer };
}

const PIECE = 1 << 20;

/** Entries sorted by path (so parents come first), each path once: the last one given wins. */
export function sortedEntries(entries: Iterable<NewEntry>): NewEntry[] {
  const byPath = new Map<string, NewEntry>();
  for (const e of entries) {
    // A name like a whiteout would be one once the tar is unpacked as a layer.
    if (classifyEntry(e.path).kind !== 'plain') throw new StrataError(`cannot copy ${displayPath(e.path)}: names starting with ".wh." are reserved for whiteouts in layers`);
    byPath.set(e.path, e);
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function* entriesTar(entries: readonly NewEntry[]): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  const tar = new TarWriter((chunk) => {
    pending.push(chunk);
    size += chunk.length;
  }, { canonical: true });
  const take = () => {
    const out = Buffer.concat(pending);
    pending = [];
    size = 0;
    return out;
  };
  const buf = Buffer.allocUnsafe(PIECE);
  for (const e of entries) {
    const name = e.path.slice(1) + (e.type === 'dir' ? '/' : '');
    const header = { name, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, ...(e.linkTarget !== undefined ? { linkName: e.linkTarget } : {}) };
    if (e.type !== 'file') tar.add(header);
    else if (e.content && 'data' in e.content) tar.add(header, e.content.data);
    else if (e.content) {
      const fd = openSync(e.content.host, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const total = e.content.size;
        tar.beginEntry({ ...header, size: total });
        // A file read whole goes into the archive as its own buffer; a large one in pieces.
        const piece = total <= PIECE ? Buffer.allocUnsafe(total) : buf;
        for (let left = total; left > 0;) {
          const n = readSync(fd, piece, 0, Math.min(piece.length, left), null);
          if (n === 0) throw new StrataError(`${displayPath(e.path)} shrank while it was being copied`);
          tar.write(piece === buf ? Buffer.from(buf.subarray(0, n)) : piece.subarray(0, n));
          left -= n;
          if (size >= PIECE) yield take();
        }
      } finally {
        closeSync(fd);
      }
    } else tar.add(header, Buffer.alloc(0));
    if (size >= PIECE) yield take();
  }
  tar.finish();
  yield take();
}
