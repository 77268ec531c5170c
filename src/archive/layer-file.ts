// A regular file of a published layer, read as its index describes it. Export's policy: every
// byte it takes from a layer directory comes from a regular file of exactly the indexed size — the
// reading must end exactly there (a read asks for one byte more) — so a layer damaged since
// import (a file truncated, grown or swapped for something else) fails the export instead of
// giving a tar whose headers and contents disagree. Files the index records as empty take nothing
// from the layer, so export does not open them; content digests are not computed either (hashing
// every byte costs more than the whole export): `strata check` verifies both.

import { constants, fstatSync, openSync, type Stats } from 'node:fs';
import { displayPath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { ResolvedEntry } from '../resolver/types.js';

// O_NOFOLLOW: the resolver resolved every link inside the image; the host must not follow one
// at the last component. O_NONBLOCK: a FIFO put where a file was would block the open forever;
// for a regular file it changes nothing.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Opens the file of a resolved entry (at `path`, host bytes) to be read. */
export function openLayerFile(path: Buffer): number {
  return openSync(path, OPEN_FLAGS);
}

/** The error for a file whose reading did not give exactly its indexed size (`found`: what the
 * reading gave, up to one byte more than the index says) or failed (`cause`); what is there is
 * asked of the open file, for the message. */
export function lengthError(fd: number, r: ResolvedEntry, found: number, cause?: unknown): StrataError {
  const indexed = r.entry.size;
  let st: Stats | undefined;
  try {
    st = fstatSync(fd);
  } catch {
    // The read's own error, or the lengths, say enough.
  }
  const options = cause === undefined ? {} : { cause };
  if (st !== undefined && !st.isFile()) return new StrataError(`${where(r)}: the layer holds no regular file, its index says ${indexed} bytes`, options);
  if (cause !== undefined) return new StrataError(`cannot read ${where(r)}`, options);
  if (st !== undefined && st.size !== indexed) return sizeError(r, st.size);
  return new StrataError(`${where(r)}: ${found > indexed ? 'more' : found} bytes could be read, its index says ${indexed} bytes`);
}

/** Content read another way that has the wrong length. */
export function sizeError(r: ResolvedEntry, actual: number): StrataError {
  return new StrataError(`${where(r)}: the layer holds ${actual} bytes, its index says ${r.entry.size} bytes`);
}

/** Any failure to open or read the file of `r`, with the file named (StrataErrors already say
 * it). */
export function readError(r: ResolvedEntry, err: unknown): StrataError {
  return err instanceof StrataError ? err : new StrataError(`cannot read ${where(r)}`, { cause: err });
}

/** Made only for an error: displayPath costs more than the rest of a small file's export. */
function where(r: ResolvedEntry): string {
  return `${displayPath(r.path)} (layer ${r.layer})`;
}
