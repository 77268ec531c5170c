// Reading an image file's bytes from its layer without ever following a link on the host: the
// resolver has already resolved every symlink inside the image; the last open is O_NOFOLLOW and
// must land on a regular file.

import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { displayPath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { ResolvedEntry } from '../resolver/types.js';
import type { Store } from '../store/store.js';
import { contentPath, type ImageView } from './image-view.js';
import { refusedByOwner } from '../store/mapped-owners.js';

/** readEntryContent, and for a file of a rootless layer whose mapped owner shuts the caller out
 * (store/mapped-owners.ts), its content read from inside the user namespace. */
export async function readEntryContentAnyOwner(store: Store, iv: ImageView, r: ResolvedEntry, sink: (chunk: Buffer) => void): Promise<void> {
  try {
    readEntryContent(store, iv, r, sink);
  } catch (err) {
    // Only the open can be refused, before anything reached the sink.
    if (!(err instanceof StrataError && refusedByOwner(store, err.cause))) throw err;
    sink(await store.mapped!.read(store, contentPath(store, iv, r)));
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
