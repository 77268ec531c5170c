// A regular file of a published layer, opened to be read as its index describes it. Export's
// policy: every byte it takes from a layer directory comes from a regular file of exactly the
// indexed size — checked on the open file before anything of it is written, and again by the
// count of bytes read — so a layer damaged since import (a file truncated, grown or swapped for
// something else) fails the export instead of giving a tar whose headers and contents disagree.
// Files the index records as empty take nothing from the layer, so export does not open them;
// content digests are not computed either (hashing every byte costs more than the whole export):
// `strata check` verifies both.

import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { displayPath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { ResolvedEntry } from '../resolver/types.js';

// O_NOFOLLOW: the resolver resolved every link inside the image; the host must not follow one
// at the last component. O_NONBLOCK: a FIFO put where a file was would block the open forever;
// for a regular file it changes nothing.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Opens the file of `r` (at `path`, host bytes) and checks it against the index: a regular file
 * of the indexed size. The caller closes the descriptor. */
export function openIndexedFile(path: Buffer, r: ResolvedEntry): number {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    checkFile(st.isFile(), st.size, r);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** A file whose bytes ran out before its indexed size while it was read. */
export function shrankError(r: ResolvedEntry): StrataError {
  return new StrataError(`${where(r)}: the file shrank while it was read`);
}

/** Content read another way that has the wrong length. */
export function sizeError(r: ResolvedEntry, actual: number): StrataError {
  return new StrataError(`${where(r)}: the layer holds ${actual} bytes, its index says ${r.entry.size} bytes`);
}

/** Any failure to read the file of `r`, with the file named (StrataErrors already say it). */
export function readError(r: ResolvedEntry, err: unknown): StrataError {
  return err instanceof StrataError ? err : new StrataError(`cannot read ${where(r)}`, { cause: err });
}

function checkFile(isFile: boolean, actual: number, r: ResolvedEntry): void {
  if (!isFile) throw new StrataError(`${where(r)}: the layer holds no regular file, its index says ${r.entry.size} bytes`);
  if (actual !== r.entry.size) throw sizeError(r, actual);
}

/** Made only for an error: displayPath costs more than the rest of an empty file's export. */
function where(r: ResolvedEntry): string {
  return `${displayPath(r.path)} (layer ${r.layer})`;
}
