// RepoDigests: "NAME@sha256:<manifest digest>" -> the image a registry's manifest gave (pull) or
// took (push), one small file each under ROOT/digests/ (like tags: one atomic rename to set, no
// lock). `run NAME@sha256:…` resolves through them (lookup.ts); a bare "sha256:…" stays an image
// id. A record is trusted for neither name nor content, and one whose image is gone is not used.

import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError, errnoOf } from '../base/errors.js';
import { writeFileAtomic } from './atomic.js';
import { isDigestId } from './ids.js';
import { parseReference } from './reference.js';
import type { Store } from './types.js';

/** The canonical "NAME@sha256:hex" for text that is one (a tag before the @ is dropped, as
 * Docker does), else undefined. */
export function repoDigestOf(text: string): string | undefined {
  const at = text.indexOf('@');
  if (at <= 0) return undefined;
  const digest = text.slice(at + 1);
  if (!isDigestId(digest)) return undefined;
  let name: string;
  try {
    name = parseReference(text.slice(0, at)).name;
  } catch {
    return undefined;
  }
  return `${name}@${digest}`;
}

export function setRepoDigest(store: Store, repoDigest: string, imageId: string): void {
  if (repoDigestOf(repoDigest) !== repoDigest) throw new StrataError(`"${repoDigest}" is not NAME@sha256:<digest>`);
  if (!isDigestId(imageId)) throw new StrataError(`${JSON.stringify(imageId)} is not an image id`);
  mkdirSync(store.paths.digests, { recursive: true, mode: 0o700 });
  writeFileAtomic(store, store.paths.repoDigest(repoDigest), imageId + '\n');
}

/** The image a repo digest names, when the record is sound and the image still there. */
export function readRepoDigest(store: Store, repoDigest: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(store.paths.repoDigest(repoDigest), 'latin1').replace(/\n$/, '');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  return isDigestId(text) && existsSync(store.paths.image(text)) ? text : undefined;
}

/** Removes the RepoDigests naming `imageId` (its image record is going). */
export function removeRepoDigestsOf(store: Store, imageId: string): void {
  let files: string[];
  try {
    files = readdirSync(store.paths.digests).filter((f) => !f.startsWith('.tmp-'));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw err;
  }
  for (const file of files) {
    const path = join(store.paths.digests, file);
    try {
      if (readFileSync(path, 'latin1').replace(/\n$/, '') === imageId) unlinkSync(path);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
  }
}

/** Every sound repo digest whose image is there, "NAME@sha256:…" -> image id, sorted. */
export function listRepoDigests(store: Store): Map<string, string> {
  let files: string[];
  try {
    files = readdirSync(store.paths.digests).filter((f) => !f.startsWith('.tmp-')).sort();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return new Map();
    throw err;
  }
  const out = new Map<string, string>();
  for (const file of files) {
    let name: string;
    try {
      name = decodeURIComponent(file);
    } catch {
      continue;
    }
    if (repoDigestOf(name) !== name || encodeURIComponent(name) !== file) continue;
    const id = readRepoDigest(store, name);
    if (id !== undefined) out.set(name, id);
  }
  return out;
}
