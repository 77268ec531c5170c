// The layer tar of a COPY or ADD, written straight from the files it copies: canonical headers
// (tar/writer.ts), contents read from the source into 1 MiB pieces, no copy made first. The store
// unpacks, indexes and digests it like any layer (store/layers.ts, addLayer), the pieces handed to
// its unpacker as they are written: the layer is exactly what importing that tar would make.

import { closeSync, constants, openSync, readSync } from 'node:fs';
import { displayPath, type BytePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { EntryType } from '../../base/layer-index.js';
import { classifyEntry } from '../../import/whiteout.js';
import type { TarProducer } from '../../import/unpack.js';
import { TarWriter } from '../../tar/writer.js';

export interface NewEntry {
  /** Absolute in the image, normalized (a byte string). */
  readonly path: BytePath;
  /** 'hardlink': a link to the file at linkTarget (the path without its leading "/"). */
  readonly type: EntryType | 'hardlink';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly linkTarget?: string;
  /** A regular file's bytes: a host file (opened without following links) of the size it had
   * when it was listed, or bytes in memory. */
  readonly content?: { readonly host: string | Buffer; readonly size: number } | { readonly data: Buffer };
  /** A host file with more than one link: its device and inode. The entries of one inode become
   * one file and hard links to it, as Docker's COPY keeps them. */
  readonly inode?: string;
}

const PIECE = 1 << 20;

/** Entries sorted by path (so parents come first), each path once: the last one given wins. Of
 * the files that share an inode, the first keeps the content and the others link to it. */
export function sortedEntries(entries: Iterable<NewEntry>): NewEntry[] {
  const byPath = new Map<string, NewEntry>();
  for (const e of entries) {
    // A name like a whiteout would be one once the tar is unpacked as a layer.
    if (classifyEntry(e.path).kind !== 'plain') throw new StrataError(`cannot copy ${displayPath(e.path)}: names starting with ".wh." are reserved for whiteouts in layers`);
    byPath.set(e.path, e);
  }
  const sorted = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const firstOf = new Map<string, NewEntry>();
  return sorted.map((e) => {
    if (e.inode === undefined || e.type !== 'file') return e;
    const first = firstOf.get(e.inode);
    if (first === undefined) {
      firstOf.set(e.inode, e);
      return e;
    }
    // A tar hard link names its target as the archive does: the path without its leading "/".
    const { content: _content, inode: _inode, ...rest } = e;
    return { ...rest, type: 'hardlink', linkTarget: first.path.slice(1) };
  });
}

/** Bytes of content the entries bring (what COPY's progress counts). */
export function contentBytes(entries: readonly NewEntry[]): number {
  let total = 0;
  for (const e of entries) if (e.type === 'file' && e.content) total += 'data' in e.content ? e.content.data.length : e.content.size;
  return total;
}

/** The layer tar of `entries`, written piece by piece into the unpacker (unpack.ts, TarProducer):
 * each header as encoded, each file's content read from its source into one reused buffer and
 * handed on as it is read, with no stream, chunk or copy in between. `onContent` hears the content
 * bytes written so far after each file and each piece of a large one. */
export function entriesTar(entries: readonly NewEntry[], onContent?: (done: number) => void): TarProducer {
  return (push) => {
    const tar = new TarWriter(push, { canonical: true });
    const buf = Buffer.allocUnsafe(PIECE);
    let done = 0;
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
          for (let left = total; left > 0;) {
            const n = readSync(fd, buf, 0, Math.min(PIECE, left), null);
            if (n === 0) throw new StrataError(`${displayPath(e.path)} shrank while it was being copied`);
            tar.write(buf.subarray(0, n));
            left -= n;
            done += n;
            if (left > 0) onContent?.(done);
          }
        } finally {
          closeSync(fd);
        }
      } else tar.add(header, Buffer.alloc(0));
      if (e.type === 'file' && e.content && 'data' in e.content) done += e.content.data.length;
      if (e.type === 'file') onContent?.(done);
    }
    tar.finish();
  };
}
