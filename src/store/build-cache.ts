// The build cache's records (docs/DESIGN.md §11): one entry a built step, named by its key (the
// sha256 of what the step's result depends on), holding the image config the step produced.
// Entries are found by key, and — to say why a step missed — by the step's parent and by its slot
// (its place in a Dockerfile). An entry references layers but does not keep them:
// garbage collection removes what no image or lease holds, and the entries that named it go with
// it. Like every record, an entry is untrusted input when read: one that fails its check is
// ignored (a cache miss), never used.
//
//   ROOT/build-cache/entries/<key hex>.json      an entry (BuildCacheEntry)
//   ROOT/build-cache/by-parent/<parent hex>/<key hex>   empty: an entry of that parent
//   ROOT/build-cache/by-slot/<slot hex>/<key hex>       empty: an entry of that slot
//   ROOT/build-cache/sources/<digest hex>.json   the per-path digests of a COPY's sources
//   ROOT/build-cache/mounts/<id hex>/            a RUN --mount=type=cache directory
//   ROOT/build-cache/stat/<context hex>.json     a context's content digests by stat

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { isHex64 } from './ids.js';
import { parseImageConfig, type ImageConfig } from './image-config.js';
import { hexOf } from './paths.js';
import type { Store } from './types.js';

export interface BuildCacheEntry {
  readonly key: string;
  readonly parent: string;
  readonly slot: string;
  /** The instruction as written in the Dockerfile. */
  readonly written: string;
  /** The instruction as expanded. */
  readonly instruction: string;
  /** The build arguments the step used, with their values (null: declared without one). */
  readonly args: readonly (readonly [string, string | null])[];
  /** COPY/ADD: the digest of its sources (a record under sources/). */
  readonly sources: string | null;
  /** The image config the step produced. */
  readonly result: ImageConfig;
  /** The layer the step added, if any. */
  readonly diffId: string | null;
}

export type EntryKeyParts = Pick<BuildCacheEntry, 'parent' | 'instruction' | 'args' | 'sources'>;

export const buildCacheDir = (store: Store) => join(store.paths.root, 'build-cache');
const entriesDir = (store: Store) => join(buildCacheDir(store), 'entries');
const sourcesDir = (store: Store) => join(buildCacheDir(store), 'sources');
const indexDir = (store: Store, kind: 'by-parent' | 'by-slot', id: string) => join(buildCacheDir(store), kind, hexOf(id));
export const cacheMountsDir = (store: Store) => join(buildCacheDir(store), 'mounts');
const statCachePath = (store: Store, context: string) => join(buildCacheDir(store), 'stat', `${createHash('sha256').update(context).digest('hex')}.json`);

/** The content digests of a context's files by their stat (see source-records.ts): path ->
 * [stat fingerprint, sha256 hex]. A damaged record is an empty one. */
export function readStatCache(store: Store, context: string): Map<string, readonly [string, string]> {
  try {
    const doc = JSON.parse(readFileSync(statCachePath(store, context), 'utf8')) as unknown;
    if (!Array.isArray(doc)) return new Map();
    const ok = doc.filter((e): e is [string, string, string] => Array.isArray(e) && e.length === 3 && e.every((x) => typeof x === 'string') && isHex64(e[2]));
    return new Map(ok.map(([path, fp, hex]) => [path, [fp, hex] as const]));
  } catch {
    return new Map();
  }
}

export function writeStatCache(store: Store, context: string, cache: ReadonlyMap<string, readonly [string, string]>): void {
  const path = statCachePath(store, context);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileAtomic(store, path, JSON.stringify([...cache].map(([p, [fp, hex]]) => [p, fp, hex])), { durable: false });
}

/** The key of a step: everything its result depends on, and nothing else. */
export function entryKey(parts: EntryKeyParts): string {
  const doc = JSON.stringify([parts.parent, parts.instruction, parts.args, parts.sources]);
  return 'sha256:' + createHash('sha256').update(doc).digest('hex');
}

function sha(text: string): string {
  return 'sha256:' + createHash('sha256').update(text).digest('hex');
}

/** A step's place in a Dockerfile: its stage's number and its own. */
export function slotOf(stage: number, step: number): string {
  return sha(JSON.stringify([stage, step]));
}

/** The entry of `key` if there is a sound one, else undefined. */
export function readEntry(store: Store, key: string): BuildCacheEntry | undefined {
  let raw: string;
  try {
    raw = readFileSync(join(entriesDir(store), `${hexOf(key)}.json`), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseEntry(raw, key);
  } catch {
    return undefined;
  }
}

/** An entry's text, checked: its fields' types, and its key recomputed from them. */
export function parseEntry(raw: string, key: string): BuildCacheEntry {
  const doc = JSON.parse(raw) as Record<string, unknown>;
  const str = (v: unknown, what: string): string => {
    if (typeof v !== 'string') throw new Error(`${what} is not a string`);
    return v;
  };
  const id = (v: unknown, what: string): string => {
    const s = str(v, what);
    if (!s.startsWith('sha256:') || !isHex64(s.slice(7))) throw new Error(`${what} is not a digest`);
    return s;
  };
  if (!Array.isArray(doc.args) || !doc.args.every((a) => Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && (typeof a[1] === 'string' || a[1] === null))) {
    throw new Error('args is not a list of names and values');
  }
  const entry: BuildCacheEntry = {
    key: id(doc.key, 'key'),
    parent: id(doc.parent, 'parent'),
    slot: id(doc.slot, 'slot'),
    written: str(doc.written, 'written'),
    instruction: str(doc.instruction, 'instruction'),
    args: doc.args as [string, string | null][],
    sources: doc.sources === null ? null : id(doc.sources, 'sources'),
    result: parseImageConfig(JSON.stringify(doc.result), 'result'),
    diffId: doc.diffId === null ? null : id(doc.diffId, 'diffId'),
  };
  if (entry.key !== key || entryKey(entry) !== key) throw new Error('its key does not match its content');
  if (entry.diffId !== null && entry.result.rootfs.diff_ids.at(-1) !== entry.diffId) throw new Error('its layer is not its result\'s last');
  return entry;
}

/** Publishes an entry: the record first, then its index names (a reader ignores names whose
 * record is missing, so the order makes every moment consistent). */
export function writeEntry(store: Store, entry: BuildCacheEntry): void {
  mkdirSync(entriesDir(store), { recursive: true });
  writeFileAtomic(store, join(entriesDir(store), `${hexOf(entry.key)}.json`), JSON.stringify(entry), { durable: false });
  for (const [kind, id] of [['by-parent', entry.parent], ['by-slot', entry.slot]] as const) {
    const dir = indexDir(store, kind, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, hexOf(entry.key)), '');
  }
}

/** Takes back an entry this process wrote (its build failed), with its index names. */
export function removeEntry(store: Store, entry: Pick<BuildCacheEntry, 'key' | 'parent' | 'slot'>): void {
  rmSync(join(entriesDir(store), `${hexOf(entry.key)}.json`), { force: true });
  rmSync(join(indexDir(store, 'by-parent', entry.parent), hexOf(entry.key)), { force: true });
  rmSync(join(indexDir(store, 'by-slot', entry.slot), hexOf(entry.key)), { force: true });
}

/** The sound entries indexed under a parent or a slot. */
export function indexedEntries(store: Store, kind: 'by-parent' | 'by-slot', id: string): BuildCacheEntry[] {
  let names: string[];
  try {
    names = readdirSync(indexDir(store, kind, id));
  } catch {
    return [];
  }
  return names.filter(isHex64).map((n) => readEntry(store, `sha256:${n}`)).filter((e): e is BuildCacheEntry => e !== undefined);
}

/** Records the per-path digests of a COPY's sources under their digest (written once). */
export function writeSourceList(store: Store, digest: string, list: readonly (readonly [string, string])[]): void {
  const path = join(sourcesDir(store), `${hexOf(digest)}.json`);
  if (existsSync(path)) return;
  mkdirSync(sourcesDir(store), { recursive: true });
  writeFileAtomic(store, path, JSON.stringify(list), { durable: false });
}

/** The per-path digests recorded under `digest`, if sound. */
export function readSourceList(store: Store, digest: string): [string, string][] | undefined {
  try {
    const raw = readFileSync(join(sourcesDir(store), `${hexOf(digest)}.json`), 'utf8');
    if (!sourceListMatches(raw, digest)) return undefined;
    const list = JSON.parse(raw) as unknown;
    if (!Array.isArray(list) || !list.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string')) return undefined;
    return list as [string, string][];
  } catch {
    return undefined;
  }
}

/** A source list's digest is the sha256 of its pairs, one JSON line each (a name may hold any
 * byte but NUL, a newline too: JSON keeps two lists from ever reading alike). */
export function sourceListDigest(list: readonly (readonly [string, string])[]): string {
  const h = createHash('sha256');
  for (const pair of list) h.update(`${JSON.stringify(pair)}\n`);
  return 'sha256:' + h.digest('hex');
}

function sourceListMatches(raw: string, digest: string): boolean {
  try {
    return sourceListDigest(JSON.parse(raw) as [string, string][]) === digest;
  } catch {
    return false;
  }
}

/** What `check` sees of the build cache: the layers sound entries name (they are in use), and
 * the entries that fail their check. */
export function cacheRecords(store: Store): { layers: Set<string>; problems: string[] } {
  const layers = new Set<string>();
  const problems: string[] = [];
  for (const name of safeList(entriesDir(store))) {
    const path = join(entriesDir(store), name);
    try {
      if (!name.endsWith('.json') || !isHex64(name.slice(0, -5))) throw new Error('not a record of the build cache');
      for (const d of parseEntry(readFileSync(path, 'utf8'), `sha256:${name.slice(0, -5)}`).result.rootfs.diff_ids) layers.add(d);
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message} (strata prune removes it)`);
    }
  }
  return { layers, problems };
}

/** Removes the entries that name a layer not in the store (garbage collection took it), with
 * their index names, and source lists no entry names. Returns how many entries went. */
export function dropEntriesWithoutLayers(store: Store, present: (diffId: string) => boolean): number {
  let names: string[];
  try {
    names = readdirSync(entriesDir(store));
  } catch {
    return 0;
  }
  const kept = new Set<string>();
  const sourcesKept = new Set<string>();
  let dropped = 0;
  for (const name of names) {
    const path = join(entriesDir(store), name);
    const key = `sha256:${name.replace(/\.json$/, '')}`;
    let entry: BuildCacheEntry | undefined;
    try {
      entry = name.endsWith('.json') && isHex64(name.slice(0, -5)) ? parseEntry(readFileSync(path, 'utf8'), key) : undefined;
    } catch {
      entry = undefined;
    }
    // A damaged entry is never used; it goes as one whose layers went.
    if (!entry || !entry.result.rootfs.diff_ids.every(present)) {
      rmSync(path, { force: true });
      dropped++;
      continue;
    }
    kept.add(hexOf(entry.key));
    if (entry.sources) sourcesKept.add(`${hexOf(entry.sources)}.json`);
  }
  for (const kind of ['by-parent', 'by-slot']) {
    const top = join(buildCacheDir(store), kind);
    for (const dir of safeList(top)) {
      const left = safeList(join(top, dir)).filter((n) => {
        if (kept.has(n)) return true;
        rmSync(join(top, dir, n), { force: true });
        return false;
      });
      if (left.length === 0) rmSync(join(top, dir), { recursive: true, force: true });
    }
  }
  for (const n of safeList(sourcesDir(store))) if (!sourcesKept.has(n)) rmSync(join(sourcesDir(store), n), { force: true });
  return dropped;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
