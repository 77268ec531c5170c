// Reading an image file's bytes from its layer without ever following a link on the host: the
// resolver has already resolved every symlink inside the image; the last open is O_NOFOLLOW and
// must land on a regular file.

import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { displayPath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { ResolvedEntry } from '../resolver/types.js';
import type { Store } from '../store/store.js';
import { contentPath, type ImageView } from './image-view.js';

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
