// Layers: unpacked once into a staging directory, then published by one rename under their
// diff_id. A published layer directory is never written again. Importing content that is
// already there publishes nothing (the rename finds the directory and the staging is dropped).

import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError, errnoOf } from '../base/errors.js';
import { parseIndex, type LayerIndex } from '../base/layer-index.js';
import type { TarProducer } from '../import/unpack.js';
import { damagedRecord } from './damaged.js';
import type { Store } from './types.js';
import type { Lease } from './lease.js';
import { STACK_INDEXES, readStackCache, writeStackCache } from './stack-cache.js';
import { createStagingDir } from './staging.js';
import { syncDir, syncTree } from './durable.js';
import { onDisk, removeStoredTree } from './mapped-owners.js';
import { withLock } from './lock.js';

export interface LayerInfo {
  readonly diffId: string;
  /** Bytes of the layer's uncompressed tar stream. */
  readonly tarSize: number;
  /** Bytes of regular-file content, hardlinks counted once: what the layer adds to an image. */
  readonly size: number;
  readonly entries: number;
  /** When this store first published the layer. */
  readonly created: string;
}

export interface AddLayerOptions {
  readonly onProgress?: (bytes: number, entries: number) => void;
}

/** A layer from its uncompressed tar: a stream, or a producer that writes it (unpack.ts). */
export async function addLayer(store: Store, tar: AsyncIterable<Uint8Array> | TarProducer, lease: Lease, options: AddLayerOptions = {}): Promise<LayerInfo> {
  const staging = createStagingDir(store);
  try {
    // Loaded on first use: the unpacker (and its WASM hasher) costs every other command's start.
    const { unpackLayer } = await import('../import/unpack.js');
    const result = await unpackLayer(tar, staging, options.onProgress ? { onProgress: options.onProgress } : {});
    // Rootless with subordinate ids: the files get their image owners before anyone sees them.
    await store.mapped?.own(store, join(staging, 'rootfs'), onDisk(result.index));
    let size = 0;
    for (const e of result.index.entries.values()) if (e.type === 'file' && e.hardlinkOf === undefined) size += e.size;
    const info: LayerInfo = {
      diffId: result.diffId,
      tarSize: result.tarSize,
      size,
      entries: result.index.entries.size,
      created: new Date().toISOString(),
    };
    writeFileSync(join(staging, 'layer.json'), JSON.stringify(info), { mode: 0o600 });
    lease.add(info.diffId);
    const target = store.paths.layer(info.diffId);
    // Its files on the disk before its name, and its name after (durable.ts).
    await syncTree(store, staging);
    try {
      renameSync(staging, target);
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST' && errnoOf(err) !== 'ENOTEMPTY') throw err;
      await removeStoredTree(store, staging);
      if (!(await retainLayer(store, lease, info.diffId))) throw new StrataError(`layer ${info.diffId} was removed while being imported; try again`);
      return readLayerInfo(store, info.diffId);
    }
    syncDir(store.paths.layers);
    return info;
  } catch (err) {
    await removeStoredTree(store, staging);
    throw err;
  }
}

/** Lease a layer that is already in the store, if it still is. Under the gc lock the two steps
 * are one: a concurrent collection has either removed the layer (false) or will see the lease. */
export async function retainLayer(store: Store, lease: Lease, diffId: string): Promise<boolean> {
  return withLock(store, 'gc', () => {
    lease.add(diffId);
    return hasLayer(store, diffId);
  });
}

export function hasLayer(store: Store, diffId: string): boolean {
  return existsSync(join(store.paths.layer(diffId), 'layer.json'));
}

/** A layer's record (layer.json), its fields checked. */
export function readLayerInfo(store: Store, diffId: string): LayerInfo {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(join(store.paths.layer(diffId), 'layer.json'), 'utf8'));
  } catch (err) {
    if (errnoOf(err) !== undefined) throw new StrataError(`layer ${diffId} is missing from the store`, { cause: err });
    throw damagedRecord(`layer ${diffId}`, 'layer.json is not JSON');
  }
  const problem = layerInfoProblem(doc, diffId);
  if (problem !== undefined) throw damagedRecord(`layer ${diffId}`, problem);
  return doc as LayerInfo;
}

function layerInfoProblem(doc: unknown, diffId: string): string | undefined {
  if (typeof doc !== 'object' || doc === null) return 'layer.json is not an object';
  const info = doc as Record<keyof LayerInfo, unknown>;
  // The diff_id is the layer's name: a record that names another layer belongs to another one.
  if (info.diffId !== diffId) return `layer.json names ${JSON.stringify(info.diffId)}`;
  for (const field of ['tarSize', 'size', 'entries'] as const) {
    const n = info[field];
    if (!Number.isSafeInteger(n) || (n as number) < 0) return `layer.json has ${field} ${JSON.stringify(n)}`;
  }
  if (typeof info.created !== 'string') return `layer.json has created ${JSON.stringify(info.created)}`;
  return undefined;
}

const indexCache = new Map<string, LayerIndex>();

export function readLayerIndex(store: Store, diffId: string): LayerIndex {
  let index = indexCache.get(diffId);
  if (!index) {
    index = parseLayerIndex(diffId, readIndexText(store, diffId));
    indexCache.set(diffId, index);
  }
  return index;
}

/** A layer's index as written at unpacking: JSON text, UTF-8. A path holds one char per byte
 * (byte-path.ts), so the UTF-8 of the text gives back every char exactly, whatever bytes the name
 * had; reading it as latin1 would turn each byte above 0x7f into two. */
function readIndexText(store: Store, diffId: string): string {
  try {
    return readFileSync(join(store.paths.layer(diffId), 'index.json'), 'utf8');
  } catch (err) {
    throw new StrataError(`cannot read the index of layer ${diffId}`, { cause: err });
  }
}

function parseLayerIndex(diffId: string, text: string): LayerIndex {
  try {
    return parseIndex(text);
  } catch (err) {
    throw damagedRecord(`layer ${diffId}`, `index.json: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The indexes of a layer stack, base first. A stack of several layers is read from one cache
 * (stack-cache.ts: the layers' index texts, one a line), written the first time the stack is read. */
export function readStackIndexes(store: Store, diffIds: readonly string[]): LayerIndex[] {
  if (diffIds.length < 2 || diffIds.every((d) => indexCache.has(d))) return diffIds.map((d) => readLayerIndex(store, d));
  const cached = readStackCache(store, diffIds, STACK_INDEXES)?.toString('utf8').split('\n');
  if (cached !== undefined && cached.length === diffIds.length) {
    try {
      return parseStack(diffIds, cached);
    } catch {
      // A damaged cache is made again from the layers' own indexes, which are checked as read.
    }
  }
  const texts = diffIds.map((d) => readIndexText(store, d));
  // JSON text holds no raw newline, so one line per index is unambiguous.
  writeStackCache(store, diffIds, STACK_INDEXES, texts.join('\n'));
  return parseStack(diffIds, texts);
}

/** Whether a stack's cached index texts, when there are any, are still its layers' own. */
export function stackCacheAgrees(store: Store, diffIds: readonly string[]): boolean {
  const cached = readStackCache(store, diffIds, STACK_INDEXES);
  return cached === undefined || cached.toString('utf8') === diffIds.map((d) => readIndexText(store, d)).join('\n');
}

/** Parses a stack's index texts; remembers them only once every one has parsed. */
function parseStack(diffIds: readonly string[], texts: readonly string[]): LayerIndex[] {
  const indexes = diffIds.map((d, i) => indexCache.get(d) ?? parseLayerIndex(d, texts[i]!));
  diffIds.forEach((d, i) => indexCache.set(d, indexes[i]!));
  return indexes;
}

/** The directory holding a layer's files. */
export function layerRootfs(store: Store, diffId: string): string {
  return join(store.paths.layer(diffId), 'rootfs');
}

export function listLayers(store: Store): string[] {
  return readdirSync(store.paths.layers).filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
}
