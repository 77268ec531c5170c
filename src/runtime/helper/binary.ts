// The native helper as strata runs it (docs/DESIGN.md §8). The binary embeds it as the asset
// `strata-helper`; on first use it is extracted into the store, at ROOT/helper/strata-helper-<hex>
// (hex = the sha256 of its bytes), and before EVERY use the file is checked again: its digest is
// the embedded one, it is a regular file owned by us, and neither it nor its directory can be
// written by anyone else. strata runs as root, and root must never run a file that someone else
// could have planted or changed; a file that fails the check is replaced, never run.

import { createHash } from 'node:crypto';
import {
  closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync,
  rmSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { readAsset } from '../../base/assets.js';
import { StrataError, errnoOf } from '../../base/errors.js';
import { createStagingFile } from '../../store/staging.js';
import type { Store } from '../../store/store.js';

const NAME = 'strata-helper';

/** Written into the bundle by build.mjs: the sha256 of the helper it embeds beside the bundle. */
declare const STRATA_HELPER_SHA256: string | undefined;

let embeddedDigest: string | undefined;

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The embedded helper's sha256: the one built in, so that no run hashes the asset (run from
 * source, it is computed from dist/assets once per process). extract() checks the embedded bytes
 * against it before writing them out, and every use checks the extracted file against it. */
function digestOfEmbedded(): string {
  embeddedDigest ??= typeof STRATA_HELPER_SHA256 === 'string' ? STRATA_HELPER_SHA256 : sha256(readAsset(NAME));
  return embeddedDigest;
}

/** The path of the helper, extracted and verified: call it before each spawn of the helper. */
export function helperPath(store: Store): string {
  const digest = digestOfEmbedded();
  const dir = store.paths.helper;
  const path = join(dir, `${NAME}-${digest}`);
  // Whoever can write the store root can swap the helper's directory: it must be ours alone.
  const root = statOrUndefined(store.root, statSync);
  if (!root || !root.isDirectory() || !ownedAndPrivate(root)) {
    throw new StrataError(`store ${store.root} is not a directory owned by uid ${process.geteuid!()} and writable by it alone: refusing to run the helper from it`);
  }
  if (isTrusted(dir, path, digest)) return path;
  extract(store, dir, path, digest);
  if (!isTrusted(dir, path, digest)) throw new StrataError(`the helper extracted to ${path} fails its own check`);
  return path;
}

/** Owned by us and writable by no one else (group and other write bits clear). */
function ownedAndPrivate(st: { uid: number; mode: number }): boolean {
  return st.uid === process.geteuid!() && (st.mode & 0o022) === 0;
}

function isTrusted(dir: string, path: string, digest: string): boolean {
  // Whoever can write a directory can swap the files in it.
  const st = statOrUndefined(dir, lstatSync);
  if (!st || !st.isDirectory() || !ownedAndPrivate(st)) return false;
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink put in its place is not followed to a file someone else owns.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ELOOP') return false;
    throw new StrataError(`open the helper ${path}`, { cause: err });
  }
  try {
    // Checked through the descriptor: what is hashed is what was checked.
    const st = fstatSync(fd);
    if (!st.isFile() || !ownedAndPrivate(st) || (st.mode & 0o100) === 0) return false;
    // Hashed in chunks through one small buffer: a fresh buffer of the helper's size would cost
    // a page fault per 4 KiB at every run.
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, st.size - off), off);
      if (n === 0) return false;
      hash.update(chunk.subarray(0, n));
      off += n;
    }
    return hash.digest('hex') === digest;
  } finally {
    closeSync(fd);
  }
}

function statOrUndefined(path: string, stat: typeof statSync | typeof lstatSync) {
  try {
    return stat(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw new StrataError(`stat ${path}`, { cause: err });
  }
}

/** Writes the embedded helper to a file in staging and renames it into place (atomic: a
 * concurrent strata sees the old file or the new one, never half of one; a strata killed while
 * writing it leaves its staging, which the next command sweeps). */
function extract(store: Store, dir: string, path: string, digest: string): void {
  const bytes = readAsset(NAME);
  if (sha256(bytes) !== digest) throw new StrataError('the embedded helper does not match the digest built into strata (a broken build?)');
  try {
    const st = statOrUndefined(dir, lstatSync);
    // A helper directory that is not ours alone goes, with whatever was put in it.
    if (st && !(st.isDirectory() && ownedAndPrivate(st))) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { path: tmp, fd } = createStagingFile(store);
    try {
      try {
        fchmodSync(fd, 0o700);   // executable; whatever the umask took away
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    removeOtherVersions(dir, path);
  } catch (err) {
    throw new StrataError(`extract the helper to ${path}`, { cause: err });
  }
}

/** Helpers of other strata versions, left by an upgrade: each is extracted again when needed. */
function removeOtherVersions(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (p === keep || !name.startsWith(`${NAME}-`)) continue;
    try {
      unlinkSync(p);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
  }
}
