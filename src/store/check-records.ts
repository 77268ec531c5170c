// `strata check`, the store's records: its format marker and directories, every tag file (a name
// strata could have written, holding an image id that is there), every image config (its digest
// is its id, it parses, its layers are there, its stack cache is its layers' own indexes), the
// names in images/ and layers/, and the records of imported tarballs. The checks are the ones
// each record gets where it is read (tags.ts, images.ts, layers.ts, sources.ts); here every
// record gets them, and each failure is one line.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine } from '../base/errors.js';
import { DamagedRecord } from './damaged.js';
import { isHex64 } from './ids.js';
import { parseImageConfig } from './image-config.js';
import { imageIdOf, listImageIds, readImageBytes } from './images.js';
import { hasLayer, stackCacheAgrees } from './layers.js';
import { STORE_ENTRIES, STORE_FORMAT } from './paths.js';
import { sourceProblems } from './sources.js';
import type { Store } from './types.js';
import { tagRecords } from './tags.js';

/** What a damaged record's error says is wrong (without "run strata check"), else its line. */
export function reasonOf(err: unknown): string {
  return err instanceof DamagedRecord ? err.reason : oneLine(err);
}

/** The marker, the directories every store has (without them nothing else can be checked:
 * `complete` is false), and nothing else in the root. */
export function layoutProblems(store: Store): { problems: string[]; complete: boolean } {
  const p = store.paths;
  const problems: string[] = [];
  if (!existsSync(p.format)) {
    problems.push(`${p.format}: missing, yet the store holds layers or images (if it is a strata store, write "${STORE_FORMAT}" into it)`);
  }
  for (const name of readdirSync(p.root)) {
    if (!STORE_ENTRIES.has(name)) problems.push(`${join(p.root, name)}: not part of a store`);
    else if (name === 'creating' && existsSync(p.format)) problems.push(`${join(p.root, name)}: left over from the store's creation`);
  }
  const missing = [p.layers, p.images, p.tags, p.sources, p.staging, p.leases, p.locks].filter((dir) => !isDirectory(dir));
  for (const dir of missing) problems.push(`${dir}: missing`);
  return { problems, complete: missing.length === 0 };
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

export function tagProblems(store: Store): string[] {
  const problems: string[] = [];
  for (const tag of tagRecords(store)) {
    if (tag.problem !== undefined) problems.push(`tag ${tag.ref}: ${tag.problem}`);
    else if (!existsSync(store.paths.image(tag.id!))) problems.push(`tag ${tag.ref}: image ${tag.id} is missing`);
  }
  return problems;
}

/** Every image record's problems, and the layers the records name (a damaged record's too: what
 * garbage collection keeps). */
export function imageProblems(store: Store): { problems: string[]; used: Set<string> } {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const id of listImageIds(store)) {
    let raw: Buffer;
    try {
      raw = readImageBytes(store, id);
    } catch (err) {
      problems.push(`image ${id}: ${oneLine(err)}`);
      continue;
    }
    const actual = imageIdOf(raw);
    if (actual !== id) problems.push(`image ${id}: its config hashes to ${actual} (it changed after it was stored)`);
    let diffIds: string[];
    try {
      diffIds = parseImageConfig(raw, 'its config').rootfs.diff_ids;
    } catch (err) {
      problems.push(`image ${id}: ${oneLine(err)}`);
      continue;
    }
    const missing = diffIds.filter((d) => !hasLayer(store, d));
    for (const d of diffIds) used.add(d);
    for (const d of missing) problems.push(`image ${id}: layer ${d} is missing`);
    if (missing.length > 0 || diffIds.length < 2) continue;
    try {
      if (!stackCacheAgrees(store, diffIds)) problems.push(`image ${id}: its stack cache differs from its layers' indexes (remove ${store.paths.stacks}: it is made again)`);
    } catch {
      // An index that cannot be read is the layer's problem, reported with it.
    }
  }
  return { problems, used };
}

/** Names in images/ and layers/ that are no record, and leftovers of interrupted writes. */
export function strayProblems(store: Store): string[] {
  const problems: string[] = [];
  const record = new Map([
    [store.paths.images, (n: string) => n.endsWith('.json') && isHex64(n.slice(0, -5))],
    [store.paths.layers, isHex64],
    [store.paths.tags, () => true],
  ]);
  for (const [dir, isRecord] of record) {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.tmp-')) problems.push(`${join(dir, name)}: left over from an interrupted write`);
      else if (!isRecord(name)) problems.push(`${join(dir, name)}: not a record of this store`);
    }
  }
  return [...problems, ...sourceProblems(store)];
}
