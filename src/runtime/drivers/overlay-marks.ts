// What the overlay driver adds to a layer. A layer directory holds its files only: whiteouts,
// opaque markers, device nodes and fifos are facts of its index (Node.js cannot mknod, and a
// layer directory is immutable once published). For overlayfs each layer i becomes up to three
// lower directories, top first:
//   above_i   its device nodes and fifos (with their parent directories, whose metadata is copied
//             from the layer directory, since the topmost copy of a directory is what overlay shows);
//   rootfs_i  the layer directory itself;
//   below_i   a whiteout (character device 0:0) for each path the layer deletes, and for each
//             directory it makes opaque — under rootfs_i's own directory there, which then shows
//             the layer's contents only: exactly an opaque directory, without needing an xattr.
// Overlay honours whiteouts in lower layers, so the mounted stack equals the resolver's view. An
// opaque root hides every layer below, so the stack simply stops there (see overlay.ts).
// Made once per layer, in staging, and published by rename to ROOT/overlay/<hex>/ (an empty
// directory when the layer needs neither), removed by garbage collection with the layer.

import { existsSync, lchownSync, lstatSync, lutimesSync, mkdirSync, renameSync, chmodSync, chownSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bufferOf, bytesOfUserString, parentOf, type BytePath } from '../../base/byte-path.js';
import { StrataError, errnoOf } from '../../base/errors.js';
import type { IndexEntry, LayerIndex } from '../../base/layer-index.js';
import { belowOwnNonDir } from '../../resolver/merge.js';
import { layerRootfs } from '../../store/layers.js';
import { removeStoredTree } from '../../store/mapped-owners.js';
import { createStagingDir } from '../../store/staging.js';
import type { Store } from '../../store/store.js';
import type { NodeSpec } from '../helper/ops.js';

/** Creates device nodes and fifos (the native helper; Node.js cannot). */
export type MakeNodes = (nodes: readonly NodeSpec[]) => Promise<void>;

export interface LayerMarks {
  readonly above?: string;
  readonly below?: string;
}

/** The paths a layer deletes from below it, reduced to the topmost ones (a whiteout inside a
 * deleted or opaque directory adds nothing), without the root (an opaque root ends the stack). */
export function whiteoutPaths(index: LayerIndex): BytePath[] {
  const all = new Set<BytePath>([...index.whiteouts, ...index.opaque].filter((p) => p !== ROOT && !belowOwnNonDir(index, p)));
  const out: BytePath[] = [];
  for (const path of [...all].sort()) {
    let covered = false;
    for (let dir = parentOf(path); dir !== ROOT; dir = parentOf(dir)) {
      if (all.has(dir)) {
        covered = true;
        break;
      }
    }
    if (!covered) out.push(path);
  }
  return out;
}

/** The layer's device nodes and fifos. Without root, no device node can be made (only the 0:0
 * whiteout device): a rootless sandbox gets the fifos only — with nodev on its root, a device
 * node of an image could not be opened there anyway. */
function specialEntries(index: LayerIndex) {
  const devices = process.getuid?.() === 0;
  return [...index.entries.values()].filter((e) => (e.type === 'fifo' || (devices && (e.type === 'char' || e.type === 'block'))) && !belowOwnNonDir(index, e.path));
}

/** The layer's marks, made now if they were not made before. */
export async function layerMarks(store: Store, diffId: string, index: LayerIndex, makeNodes: MakeNodes): Promise<LayerMarks> {
  const dir = store.paths.overlayMarks(diffId);
  if (!existsSync(dir)) await makeMarks(store, diffId, index, makeNodes, dir);
  return existingMarks(store, diffId);
}

/** The marks made before (layerMarks made them when the container was created). */
export function existingMarks(store: Store, diffId: string): LayerMarks {
  const dir = store.paths.overlayMarks(diffId);
  return {
    ...(existsSync(join(dir, 'above')) ? { above: join(dir, 'above') } : {}),
    ...(existsSync(join(dir, 'below')) ? { below: join(dir, 'below') } : {}),
  };
}

async function makeMarks(store: Store, diffId: string, index: LayerIndex, makeNodes: MakeNodes, target: string): Promise<void> {
  const staging = createStagingDir(store);
  try {
    const marks = join(staging, 'marks');
    mkdirSync(marks, { mode: 0o700 });
    const nodes: NodeSpec[] = [];
    const deleted = whiteoutPaths(index);
    if (deleted.length > 0) {
      const below = join(marks, 'below');
      for (const path of deleted) {
        makeParents(below, path);
        nodes.push({ path: hostBytes(below, path), type: 'c', mode: 0, major: 0, minor: 0 });
      }
    }
    const specials = specialEntries(index);
    const above = join(marks, 'above');
    for (const e of specials) {
      makeParents(above, e.path);
      nodes.push({ path: hostBytes(above, e.path), type: e.type === 'char' ? 'c' : e.type === 'block' ? 'b' : 'p', mode: e.mode, major: e.devMajor ?? 0, minor: e.devMinor ?? 0 });
    }
    if (nodes.length > 0) await makeNodes(nodes);
    for (const e of specials) {
      const where = hostPath(above, e.path);
      if (process.getuid?.() === 0) lchownSync(where, e.uid, e.gid);
      lutimesSync(where, e.mtime, e.mtime);
    }
    // Parent directories' times last: making the nodes inside them changed them.
    if (specials.length > 0) {
      const dirs = copyDirMeta(above, index, layerRootfs(store, diffId), specials.map((e) => e.path));
      // Rootless with subordinate ids: the owners the layer's own files have (mapped-owners.ts).
      await store.mapped?.own(store, above, [...specials, ...dirs]);
    }
    mkdirSync(store.paths.overlay, { recursive: true, mode: 0o700 });
    try {
      renameSync(marks, target);
    } catch (err) {
      // Another strata made the same marks first: theirs are as good.
      if (errnoOf(err) !== 'EEXIST' && errnoOf(err) !== 'ENOTEMPTY') throw err;
    }
  } catch (err) {
    throw new StrataError(`prepare layer ${diffId.slice(7, 19)} for overlay`, { cause: err });
  } finally {
    await removeStoredTree(store, staging);
  }
}

function hostPath(base: string, path: BytePath): Buffer {
  return Buffer.concat([Buffer.from(base), bufferOf(path)]);
}

function hostBytes(base: string, path: BytePath): string {
  return bytesOfUserString(base) + path;
}

/** mkdir -p of `path`'s parents under `base`. */
function makeParents(base: string, path: BytePath): void {
  const missing: BytePath[] = [];
  for (let dir = parentOf(path); dir !== ROOT; dir = parentOf(dir)) missing.push(dir);
  mkdirSync(base, { recursive: true, mode: 0o755 });
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(hostPath(base, dir), { mode: 0o755 });
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
    }
  }
}

/** Give the directories of `above` that hold these paths the metadata the layer's index records
 * for them (the root's from the layer directory when the tar had no entry for it); returns those
 * index entries. */
function copyDirMeta(above: string, index: LayerIndex, layerDir: string, paths: readonly BytePath[]): IndexEntry[] {
  const dirs = new Set<BytePath>();
  for (const path of paths) for (let dir = parentOf(path); dir !== ROOT; dir = parentOf(dir)) dirs.add(dir);
  const entries: IndexEntry[] = [];
  // Deepest first, so setting a parent's mtime is the last change to it.
  for (const dir of [...dirs].sort().reverse()) {
    const e = index.entries.get(dir);
    if (!e) throw new StrataError(`the index has no entry for directory ${dir}`);
    applyMeta(hostPath(above, dir), e);
    entries.push(e);
  }
  const root = index.entries.get(ROOT);
  if (root) {
    applyMeta(Buffer.from(above), root);
    entries.push(root);
  } else {
    const st = lstatSync(layerDir);
    applyMeta(Buffer.from(above), { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, mtime: st.mtimeMs / 1000 });
  }
  return entries;
}

function applyMeta(to: Buffer, e: Pick<IndexEntry, 'uid' | 'gid' | 'mode' | 'mtime'>): void {
  if (process.getuid?.() === 0) chownSync(to, e.uid, e.gid);
  chmodSync(to, e.mode);
  utimesSync(to, e.mtime, e.mtime);
}
