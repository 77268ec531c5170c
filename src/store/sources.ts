// Remembering tarballs imported before, so importing the same file again costs one hash of it and
// nothing more: ROOT/sources/<raw size>/<sha256 of the raw bytes> holds the layer's diff_id.
// Like git's index, the digest of a file is also remembered under its stat identity
// (ROOT/sources/stat/<dev>-<ino>-<size>-<mtime ns>-<ctime ns>): a file whose inode, size and
// times are all unchanged is not hashed again. Any write to the file changes its ctime, which no
// one but the kernel sets. Digests
// may be given with or without their "sha256:" prefix; the file is named by the hex alone. A
// file is hashed up front only when some earlier import had exactly its size — otherwise it is
// new content and the single unpacking pass computes everything.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { isDigestId, isHex64 } from './ids.js';
import { hexOf } from './paths.js';
import type { Store } from './types.js';

export function knownSize(store: Store, size: number): boolean {
  return existsSync(join(store.paths.sources, String(size)));
}

/** The diff_id a tarball of this size and digest became, if one did. A record that holds no
 * diff_id is not used (the tarball is unpacked again); `check` reports it. */
export function knownSource(store: Store, size: number, sha256: string): string | undefined {
  const diffId = readRecord(join(store.paths.sources, String(size), hexOf(sha256)));
  return isDigestId(diffId) ? diffId : undefined;
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
  const sha256 = readRecord(join(store.paths.sources, 'stat', key));
  return isHex64(sha256) ? sha256 : undefined;
}

function readRecord(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every record of ROOT/sources that holds what it should not (for `check`): its path and why. */
export function sourceProblems(store: Store): string[] {
  const problems: string[] = [];
  for (const dir of readdirSync(store.paths.sources)) {
    const stat = dir === 'stat';
    let names: string[];
    try {
      names = readdirSync(join(store.paths.sources, dir));
    } catch {
      problems.push(`${join(store.paths.sources, dir)}: not a directory of records`);
      continue;
    }
    for (const name of names) {
      if (name.startsWith('.tmp-')) continue;
      const path = join(store.paths.sources, dir, name);
      const content = readRecord(path);
      if (!(stat ? isHex64(content) : isHex64(name) && isDigestId(content))) problems.push(`${path}: not a record of an imported tarball`);
    }
  }
  return problems;
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
