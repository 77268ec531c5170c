// Reading an image file's bytes from its layer without ever following a link on the host: the
// resolver has already resolved every symlink inside the image; the last open is O_NOFOLLOW and
// must land on a regular file. What a user asks to see (`cat`) is checked against the layer's
// index first; what the runtime reads for itself (/etc/passwd of an image it is about to mount as
// it is) is not.

import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { displayPath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { ResolvedEntry } from '../resolver/types.js';
import type { Store } from '../store/store.js';
import { contentPath, type ImageView } from './image-view.js';
import { damagedRecord } from '../store/damaged.js';
import { refusedByOwner } from '../store/mapped-owners.js';

/** `cat`: a file's contents, checked against its layer's index — size and content digest — before
 * any byte reaches the sink, so a layer file that changed on disk (a disk error, a hand edit) is
 * refused, never returned. The file is read twice, to check and then to copy, so memory stays flat
 * whatever its size (the second read comes from the page cache). For a file of a rootless layer
 * whose mapped owner shuts the caller out (store/mapped-owners.ts), its content is read from
 * inside the user namespace, whole, and checked the same way. */
export async function readVerifiedContent(store: Store, iv: ImageView, r: ResolvedEntry, sink: (chunk: Buffer) => void): Promise<void> {
  if (r.entry.type !== 'file') throw new StrataError(`${displayPath(r.path)}: not a regular file (${r.entry.type})`);
  const { createXXHash128 } = await import('hash-wasm');
  const hasher = await createXXHash128();
  const check = (size: number, feed: (chunk: (c: Buffer) => void) => void) => {
    hasher.init();
    if (size === r.entry.size) feed((c) => hasher.update(c));
    if (size !== r.entry.size || `xxh128:${hasher.digest('hex')}` !== r.entry.digest) {
      throw damagedRecord(`layer ${iv.diffIds[r.layer]}`, `${displayPath(r.path)} no longer matches the layer's index`);
    }
  };
  let fd: number;
  try {
    fd = openSync(contentPath(store, iv, r), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (!refusedByOwner(store, err)) throw new StrataError(`cannot read ${displayPath(r.path)} from layer ${r.layer}`, { cause: err });
    const bytes = await store.mapped!.read(store, contentPath(store, iv, r));
    check(bytes.length, (chunk) => chunk(bytes));
    sink(bytes);
    return;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new StrataError(`${displayPath(r.path)}: layer ${r.layer} holds no regular file there`);
    check(st.size, (chunk) => readChunks(fd, st.size, chunk));
    readChunks(fd, st.size, sink);
  } finally {
    closeSync(fd);
  }
}

/** The first `size` bytes of `fd`, from its start, in chunks of up to 1 MiB. */
function readChunks(fd: number, size: number, sink: (chunk: Buffer) => void): void {
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(size, 1)));
  for (let at = 0; at < size;) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, size - at), at);
    if (n === 0) throw new StrataError(`a layer file shrank while it was read`);
    sink(Buffer.from(buf.subarray(0, n)));
    at += n;
  }
}

/** Calls `sink` with the file's contents in chunks of up to 1 MiB. */
export function readEntryContent(store: Store, iv: ImageView, r: ResolvedEntry, sink: (chunk: Buffer) => void): void {
  if (r.entry.type !== 'file') throw new StrataError(`${displayPath(r.path)}: not a regular file (${r.entry.type})`);
  let fd: number;
  try {
    fd = openSync(contentPath(store, iv, r), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw new StrataError(`cannot read ${displayPath(r.path)} from layer ${r.layer}`, { cause: err });
  }
  try {
    if (!fstatSync(fd).isFile()) throw new StrataError(`${displayPath(r.path)}: layer ${r.layer} holds no regular file there`);
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(r.entry.size, 1)));
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      sink(Buffer.from(buf.subarray(0, n)));
    }
  } finally {
    closeSync(fd);
  }
}
