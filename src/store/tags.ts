// Tags: one small file per "name:tag" holding the image id. Setting a tag is one atomic rename
// and removing one is one unlink, so concurrent strata processes never need a lock for them.
// A tag file is trusted for neither its name nor its content: the name must be a reference strata
// would write (never one that looks like an image id, reference.ts) and the content an image id
// (ids.ts), or the tag is not used (and `check` reports it).

import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { displayPath } from '../base/byte-path.js';
import { StrataError, errnoOf, oneLine } from '../base/errors.js';
import { writeFileAtomic } from './atomic.js';
import { damagedRecord } from './damaged.js';
import { isDigestId } from './ids.js';
import { formatReference, parseReference } from './reference.js';
import type { Store } from './types.js';

export function setTag(store: Store, ref: string, imageId: string): void {
  const problem = tagNameProblem(ref);
  if (problem !== undefined) throw new StrataError(`cannot tag ${ref}: ${problem}`);
  if (!isDigestId(imageId)) throw new StrataError(`cannot tag ${ref}: ${JSON.stringify(imageId)} is not an image id`);
  writeFileAtomic(store, store.paths.tag(ref), imageId + '\n');
}

/** The image id of a tag, or undefined when there is no such tag. */
export function readTag(store: Store, ref: string): string | undefined {
  const content = readTagFile(store, ref);
  if (content === undefined) return undefined;
  const problem = contentProblem(content);
  if (problem !== undefined) throw damagedRecord(`tag ${ref}`, problem);
  return content;
}

/** The tag file's content without its newline, or undefined when there is none. */
function readTagFile(store: Store, ref: string): string | undefined {
  let text: string;
  try {
    // As bytes (a byte string): a damaged tag is shown as it is, every byte, escaped (displayPath).
    text = readFileSync(store.paths.tag(ref), 'latin1');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Returns false when the tag did not exist. */
export function removeTag(store: Store, ref: string): boolean {
  try {
    unlinkSync(store.paths.tag(ref));
    return true;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw err;
  }
}

/** Every sound tag, "name:tag" -> image id, sorted by name. Tag files that fail their check are
 * left out: `tagRecords` lists them with their problem. */
export function listTags(store: Store): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of tagRecords(store)) if (r.id !== undefined) out.set(r.ref, r.id);
  return out;
}

export interface TagRecord {
  /** The tag the file names (its file name decoded). */
  readonly ref: string;
  /** Set when the record is sound. */
  readonly id?: string;
  /** Why the record cannot be used, when it cannot. */
  readonly problem?: string;
}

/** Every tag file, sorted by name, each either sound (id) or damaged (problem). */
export function tagRecords(store: Store): TagRecord[] {
  const files = readdirSync(store.paths.tags).filter((f) => !f.startsWith('.tmp-'));
  const out: TagRecord[] = [];
  for (const file of files) {
    let ref: string;
    try {
      ref = decodeURIComponent(file);
    } catch {
      out.push({ ref: file, problem: 'its file name is not an encoded tag' });
      continue;
    }
    // Only the file setTag would write for this tag counts; any other name is not a tag.
    const problem = encodeURIComponent(ref) === file ? tagNameProblem(ref) : 'its file name is not an encoded tag';
    if (problem !== undefined) {
      out.push({ ref, problem });
      continue;
    }
    const content = readTagFile(store, ref);
    if (content === undefined) continue; // removed meanwhile
    const bad = contentProblem(content);
    out.push(bad === undefined ? { ref, id: content } : { ref, problem: bad });
  }
  return out.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

/** Why `ref` is not the name of a tag strata would write, or undefined when it is. */
function tagNameProblem(ref: string): string | undefined {
  try {
    return formatReference(parseReference(ref)) === ref ? undefined : 'not a NAME:TAG';
  } catch (err) {
    return oneLine(err);
  }
}

/** Why a tag file's content is not an image id, or undefined when it is one. */
function contentProblem(content: string): string | undefined {
  if (isDigestId(content)) return undefined;
  return `it holds "${displayPath(content.length > 80 ? content.slice(0, 80) : content)}${content.length > 80 ? '…' : ''}", not an image id`;
}
