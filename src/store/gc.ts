// Removing images and layers: `rmi` and `prune`. Garbage collection never removes what an image,
// or an in-flight operation's lease, still references (see lease.ts for the ordering argument).
// Removal is a rename into staging first, so a reader never sees half a layer.
// Containers hold their image: `rmi` refuses an image a container uses unless forced, and even
// then only removes its tags (the record stays, dangling, until no container uses it), as Docker
// does. A container is published under the gc lock after checking its image exists
// (runtime/containers/records.ts), so a collection either removed the image first or sees the
// container.

import { existsSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../base/errors.js';
import { DamagedRecord } from './damaged.js';
import { parseImageConfig } from './image-config.js';
import { listImageIds, readImageBytes } from './images.js';
import { leasedIds } from './lease.js';
import { hasLayer, listLayers, readLayerInfo } from './layers.js';
import { buildCacheDir, dropEntriesWithoutLayers } from './build-cache.js';
import { withLock } from './lock.js';
import { findImageId } from './lookup.js';
import { formatReference, parseReference } from './reference.js';
import { createStagingDir } from './staging.js';
import { removeStoredTree } from './mapped-owners.js';
import type { Store } from './types.js';
import { listTags, readTag, removeTag } from './tags.js';
import { removeRepoDigestsOf } from './repo-digests.js';

export interface RemovalReport {
  readonly untagged: string[];
  readonly deletedImages: string[];
  readonly deletedLayers: string[];
  readonly bytesFreed: number;
}

/** `rmi REF...`: untag; delete an image once no tag is left; then its unreferenced layers. */
export async function removeImages(store: Store, refs: readonly string[], options: { force?: boolean } = {}): Promise<RemovalReport> {
  return withLock(store, 'gc', async () => {
    const untagged: string[] = [];
    const deletedImages: string[] = [];
    for (const text of refs) {
      // A tag whose file is damaged names no image, but it can still be removed.
      const damaged = damagedTag(store, text);
      if (damaged !== undefined) {
        if (removeTag(store, damaged)) untagged.push(damaged);
        continue;
      }
      const id = findImageId(store, text);
      if (!id) throw new StrataError(`image "${text}" not found`);
      const tags = [...listTags(store)].filter(([, v]) => v === id).map(([k]) => k);
      const tag = tagNamed(store, text);
      // By tag: remove that tag. By id: remove every tag, which needs -f when there are several.
      const remove = tag ? [tag] : tags;
      if (!tag && tags.length > 1 && !options.force) {
        throw new StrataError(`image ${id.slice(7, 19)} is tagged as ${tags.join(', ')}; remove the tags by name or use -f`);
      }
      // Removing the last tag removes the image, which a container may still use.
      const last = tags.every((t) => remove.includes(t));
      const users = last ? containersUsing(store, id) : [];
      if (users.length > 0 && !options.force) {
        throw new StrataError(`image "${text}" is used by container ${users[0]!.slice(0, 12)}; remove the container first or use -f`);
      }
      for (const ref of remove) if (removeTag(store, ref)) untagged.push(ref);
      if (last && users.length === 0) {
        unlinkImage(store, id);
        deletedImages.push(id);
      }
    }
    const { deletedLayers, bytesFreed } = await collectLayers(store);
    return { untagged, deletedImages, deletedLayers, bytesFreed };
  });
}

/** `prune`: dangling images (no tag) and unused layers; with `buildCache`, the build cache first
 * (its entries and RUN's cache mounts), and then the layers only it named. */
export async function prune(store: Store, options: { buildCache?: boolean } = {}): Promise<RemovalReport> {
  return withLock(store, 'gc', async () => {
    if (options.buildCache) {
      const trash = createStagingDir(store);
      try {
        renameSync(buildCacheDir(store), join(trash, 'build-cache'));
      } catch {
        // There is none.
      }
      await removeStoredTree(store, trash);
    }
    const leased = leasedIds(store);
    const tagged = new Set(listTags(store).values());
    const used = new Set(containerImages(store).values());
    const deletedImages: string[] = [];
    for (const id of listImageIds(store)) {
      if (tagged.has(id) || leased.has(id) || used.has(id)) continue;
      unlinkImage(store, id);
      deletedImages.push(id);
    }
    const { deletedLayers, bytesFreed } = await collectLayers(store);
    return { untagged: [], deletedImages, deletedLayers, bytesFreed };
  });
}

/** The tag `text` names, if it is a reference and that tag exists. */
function tagNamed(store: Store, text: string): string | undefined {
  try {
    const ref = formatReference(parseReference(text));
    return readTag(store, ref) === undefined ? undefined : ref;
  } catch {
    return undefined;
  }
}

/** The tag `text` names, if it is a reference and that tag's file fails its check. */
function damagedTag(store: Store, text: string): string | undefined {
  let ref: string;
  try {
    ref = formatReference(parseReference(text));
  } catch {
    return undefined;
  }
  try {
    readTag(store, ref);
    return undefined;
  } catch (err) {
    if (err instanceof DamagedRecord) return ref;
    throw err;
  }
}

/** Container id -> the image id it uses, read from each ROOT/containers/<id>/container.json (the
 * record runtime/containers/records.ts writes; only its "image" field matters here). */
function containerImages(store: Store): Map<string, string> {
  const out = new Map<string, string>();
  let ids: string[];
  try {
    ids = readdirSync(store.paths.containers);
  } catch {
    return out;
  }
  for (const cid of ids) {
    try {
      const image = (JSON.parse(readFileSync(join(store.paths.container(cid), 'container.json'), 'utf8')) as { image?: unknown }).image;
      if (typeof image === 'string') out.set(cid, image);
    } catch {
      // Being removed, or not a container.
    }
  }
  return out;
}

function containersUsing(store: Store, imageId: string): string[] {
  return [...containerImages(store)].filter(([, image]) => image === imageId).map(([cid]) => cid);
}

function unlinkImage(store: Store, id: string): void {
  try {
    unlinkSync(store.paths.image(id));
  } catch {
    // Removed by another process.
  }
  // Its RepoDigests would name nothing now (a lookup already ignores them): they go with it.
  removeRepoDigestsOf(store, id);
}

/** Remove images an operation wrote for its own use (a build's intermediate images), each unless
 * a tag or a container has come to use it meanwhile. Their layers stay for
 * discardUnreferencedLayers. */
export async function discardImages(store: Store, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await withLock(store, 'gc', () => {
    const tagged = new Set(listTags(store).values());
    for (const id of ids) if (!tagged.has(id) && containersUsing(store, id).length === 0) unlinkImage(store, id);
  });
}

/** Undo an operation that failed after publishing layers: those of `diffIds` that nothing
 * references by now (an image, or another operation's lease) go. Call after releasing the
 * caller's own lease on them. */
export async function discardUnreferencedLayers(store: Store, diffIds: readonly string[]): Promise<void> {
  if (diffIds.length > 0) await withLock(store, 'gc', () => collectLayers(store, diffIds));
}

/** Leases of processes that died (`names` in ROOT/leases), and the layers they name that nothing
 * references — an image, or a live lease: an operation killed after publishing a layer and before
 * writing the image that names it leaves such a layer, held by its lease alone. An image record
 * may only name layers that are there, so a layer is published first, and this is what makes the
 * pair all or nothing. The leases go last: a sweep cut short leaves them for the next command. */
export async function releaseDeadLeases(store: Store, names: readonly string[]): Promise<void> {
  const ids = new Set<string>();
  for (const name of names) {
    try {
      for (const id of JSON.parse(readFileSync(join(store.paths.leases, name), 'utf8')) as string[]) ids.add(id);
    } catch {
      // Released by another process's sweep meanwhile.
    }
  }
  const layers = [...ids].filter((id) => /^sha256:[0-9a-f]{64}$/.test(id) && existsSync(store.paths.layer(id)));
  if (layers.length > 0) await withLock(store, 'gc', () => collectLayers(store, layers));
  for (const name of names) rmSync(join(store.paths.leases, name), { force: true });
}

/** Layers (of `candidates`, else all) referenced by no image and no live lease go. The layers
 * are listed before leases are read, and leases before images (see lease.ts). */
async function collectLayers(store: Store, candidates?: readonly string[]): Promise<{ deletedLayers: string[]; bytesFreed: number }> {
  const layers = candidates ?? listLayers(store);
  const keep = leasedIds(store);
  for (const id of listImageIds(store)) {
    try {
      // Not checked against its id: a damaged record still keeps the layers it names, which
      // `check` reports and `rmi` of its id removes.
      for (const d of parseImageConfig(readImageBytes(store, id), `image ${id}`).rootfs.diff_ids) keep.add(d);
    } catch {
      // A removed or unreadable image record keeps nothing; `check` reports unreadable ones.
    }
  }
  const deletedLayers: string[] = [];
  let bytesFreed = 0;
  for (const diffId of layers) {
    if (keep.has(diffId)) continue;
    let size = 0;
    try {
      size = readLayerInfo(store, diffId).size;
    } catch {
      // A layer without its record still goes.
    }
    const trash = createStagingDir(store);
    try {
      renameSync(store.paths.layer(diffId), join(trash, 'layer'));
    } catch {
      rmSync(trash, { recursive: true, force: true });
      continue;
    }
    await removeStoredTree(store, trash);
    // What the overlay driver derived from the layer goes with it (no container uses the layer:
    // containers keep their image, and so its layers).
    await removeStoredTree(store, store.paths.overlayMarks(diffId));
    forgetSources(store, diffId);
    deletedLayers.push(diffId);
    bytesFreed += size;
  }
  // Stack caches name layers by digest only: drop them all when any layer goes (they are rebuilt
  // on the next read). Build cache entries that named a layer go with it.
  if (deletedLayers.length > 0) rmSync(store.paths.stacks, { recursive: true, force: true });
  if (candidates === undefined || deletedLayers.length > 0) dropEntriesWithoutLayers(store, (d) => hasLayer(store, d));
  return { deletedLayers, bytesFreed };
}

function forgetSources(store: Store, diffId: string): void {
  for (const size of readdirSync(store.paths.sources)) {
    if (size === 'stat') continue; // stat entries name digests, which a later import may still use
    const dir = join(store.paths.sources, size);
    for (const sha of readdirSync(dir)) {
      try {
        if (readFileSync(join(dir, sha), 'utf8').trim() === diffId) unlinkSync(join(dir, sha));
      } catch {
        // Gone already.
      }
    }
    try {
      if (readdirSync(dir).length === 0) rmdirSync(dir);
    } catch {
      // Another process added a source meanwhile, or removed the dir.
    }
  }
}
