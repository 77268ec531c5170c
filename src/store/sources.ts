// Remembering tarballs imported before, so importing the same file again costs one hash of it and
// nothing more: ROOT/sources/<raw size>/<sha256 of the raw bytes> holds the layer's diff_id.
// Like git's index, the digest of a file is also remembered under its stat identity
// (ROOT/sources/stat/<dev>-<ino>-<size>-<mtime ns>-<ctime ns>): a file whose inode, size and
// times are all unchanged is not hashed again. Any write to the file changes its ctime, which no
// one but the kernel sets. Digests
// may be given with or without their "sha256:" prefix; the file is named by the hex alone. A
// file is hashed up front only when some earlier import had exactly its size — otherwise it is
// new content and the single unpacking pass computes everything.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { hexOf } from './paths.js';
import type { Store } from './store.js';

export function knownSize(store: Store, size: number): boolean {
  return existsSync(join(store.paths.sources, String(size)));
}

export function knownSource(store: Store, size: number, sha256: string): string | undefined {
  try {
    return readFileSync(join(store.paths.sources, String(size), hexOf(sha256)), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function rememberSource(store: Store, size: number, sha256: string, diffId: string): void {
  const dir = join(store.paths.sources, String(size));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(store, join(dir, hexOf(sha256)), diffId + '\n');
}

/** The stat identity of a file (see above), or undefined for anything but a regular file. */
export function statKey(path: string): string | undefined {
  const st = statSync(path, { bigint: true });
  if (!st.isFile()) return undefined;
  return `${st.dev}-${st.ino}-${st.size}-${st.mtimeNs}-${st.ctimeNs}`;
}

export function digestByStat(store: Store, key: string): string | undefined {
  try {
    return readFileSync(join(store.paths.sources, 'stat', key), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function rememberStat(store: Store, key: string, sha256: string): void {
  const dir = join(store.paths.sources, 'stat');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(store, join(dir, key), hexOf(sha256) + '\n');
}

/** sha256 of a file in large synchronous reads (hex). */
export function hashFile(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(4 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      hash.update(n === buf.length ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
