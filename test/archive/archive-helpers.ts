// Helpers for the archive tests: a listing of a store to prove it unchanged, and rewriting an
// OCI layout's JSON with every digest up the chain fixed (config -> manifest -> index.json).

import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { oneLine } from '../../src/base/errors.js';

/** Pseudo-random bytes, the same every run. */
export function seededBytes(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

export const sha256 = (b: Uint8Array | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** Every path of a store with its type, size and content digest — minus the work areas a failed
 * operation is allowed to leave empty (staging, leases, locks). */
export function storeListing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (['staging', 'leases', 'locks'].includes(r)) continue;
      const st = lstatSync(path);
      if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(path, r);
      } else {
        out.push(`${r} ${st.size} ${st.isFile() ? sha256(readFileSync(path)).slice(7, 19) : ''}`);
      }
    }
  };
  walk(root, '');
  return out;
}

/** Runs `fn`, expecting a one-line error matching `pattern`, and the store listing unchanged. */
export async function expectRefused(root: string, fn: () => Promise<unknown>, pattern: RegExp): Promise<string> {
  const before = storeListing(root);
  let message = '';
  try {
    await fn();
    assert.unreachable('expected an error');
  } catch (err) {
    if (err instanceof assert.Assertion) throw err;
    message = oneLine(err);
  }
  assert.match(message, pattern);
  assert.not.match(message, /\n/);
  assert.equal(storeListing(root), before, 'the store is unchanged');
  assert.equal(readdirSync(join(root, 'staging')), [], 'no staging left');
  return message;
}

type Json = Record<string, any>;

export function blobPath(layout: string, digest: string): string {
  return join(layout, 'blobs', 'sha256', digest.slice(7));
}

export function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Writes a JSON blob (or raw bytes) into a layout; returns its descriptor fields. */
export function putBlob(layout: string, content: Json | Buffer): { digest: string; size: number } {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
  const digest = sha256(bytes);
  writeFileSync(blobPath(layout, digest), bytes);
  return { digest, size: bytes.length };
}

/** The first manifest of index.json, with its config. */
export function firstImage(layout: string): { manifest: Json; config: Json; manifestDigest: string } {
  const index = readJson(join(layout, 'index.json'));
  const manifestDigest = index.manifests[0].digest as string;
  const manifest = readJson(blobPath(layout, manifestDigest));
  return { manifest, config: readJson(blobPath(layout, manifest.config.digest)), manifestDigest };
}

/** Edits the first image's config and/or manifest, writing new blobs and fixing the digests in
 * the manifest and index.json, so only the intended defect remains. */
export function rewriteFirstImage(layout: string, edit: { config?: (c: Json) => void; manifest?: (m: Json) => void }): void {
  const { manifest, config, manifestDigest } = firstImage(layout);
  if (edit.config) {
    edit.config(config);
    Object.assign(manifest.config, putBlob(layout, config));
  }
  edit.manifest?.(manifest);
  const index = readJson(join(layout, 'index.json'));
  Object.assign(index.manifests[0], putBlob(layout, manifest));
  writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
  if (index.manifests[0].digest !== manifestDigest) rmSync(blobPath(layout, manifestDigest));
}

/** One line per path under `dir` (sorted): type, mode, owner, size, content digest, link target,
 * device numbers, mtime (not for directories, whose mtime an extractor may set itself), and the
 * first path of the same inode when it is a hardlink. */
export function treeListing(dir: string, options: { dirMtimes?: boolean } = {}): string[] {
  const out: string[] = [];
  const inodes = new Map<number, string>();
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const path = join(abs, name);
      const r = `${rel}/${name}`;
      const st = lstatSync(path);
      const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : 'other';
      let line = `${r} ${type} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (type === 'file') {
        line += ` ${st.size} ${sha256(readFileSync(path)).slice(7, 19)}`;
        const first = inodes.get(st.ino);
        if (first !== undefined && st.nlink > 1) line += ` =${first}`;
        else inodes.set(st.ino, r);
      }
      if (type === 'symlink') line += ` -> ${readlinkSync(path)}`;
      if (type === 'char' || type === 'block') line += ` ${Math.floor(st.rdev / 256)},${st.rdev % 256}`;
      if (type !== 'dir' || options.dirMtimes) line += ` @${Math.floor(st.mtimeMs / 1000)}`;
      out.push(line);
      if (type === 'dir') walk(path, r);
    }
  };
  walk(dir, '');
  return out;
}
