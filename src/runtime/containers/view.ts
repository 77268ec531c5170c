// A container's file system as the resolver sees it — its image's layers plus its writable layer —
// and where the bytes of each entry live: an image layer's directory (immutable, the store's), or
// the container's own storage (the overlay driver's upper/, the copy driver's rootfs/), which the
// container controls and which is therefore only ever walked through beneath.ts. What `cp`,
// `commit` and `exec -u` read goes through here.

import { closeSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { displayPath, type BytePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { LayerIndex } from '../../base/layer-index.js';
import { openImageView, type ImageView } from '../../content/image-view.js';
import { readEntryContent } from '../../content/read-file.js';
import { PathError } from '../../resolver/path-error.js';
import { resolvePath } from '../../resolver/symlinks.js';
import type { ResolvedEntry } from '../../resolver/types.js';
import { WritableLayer } from '../../resolver/writable-layer.js';
import { readImage } from '../../store/images.js';
import type { Store } from '../../store/store.js';
import { componentsOf, openBase, openFileAt, walkDirs } from './beneath.js';
import { containerDir, type ContainerRecord } from './records.js';
import { writableLayerOf } from './writable-layer.js';

export interface ContainerView {
  readonly rec: ContainerRecord;
  readonly image: ImageView;
  /** The container's merged tree: the image below, its writable layer on top. */
  readonly tree: WritableLayer;
  /** The writable layer alone. */
  readonly layer: LayerIndex;
  /** The host directory holding the writable layer's files. */
  readonly storage: string;
  /** `storage` holds the whole tree (copy driver), not just what changed (overlay's upper). */
  readonly wholeTree: boolean;
}

/** What reading a container's files needs of it: its view, where its own files are, its names.
 * An image seen as a container that changed nothing is one too (imageFilesView). */
export type FilesView = Pick<ContainerView, 'image' | 'tree' | 'storage' | 'wholeTree'> & { readonly rec: Pick<ContainerRecord, 'id' | 'name'> };

/** The files of an image (`image`, possibly cut at a layer) as a container that changed nothing
 * would show them: what copying out reads, for the TUI's extraction of a file or a directory as a
 * layer has it. `name` names it in messages. */
export function imageFilesView(image: ImageView, name: string): FilesView {
  return { rec: { id: name, name }, image, tree: new WritableLayer(image.view), storage: '', wholeTree: false };
}

/** Where each driver keeps the writable layer's files: overlay its upper directory (the changes
 * only, whiteouts as 0:0 devices), copy its materialized rootfs (everything). */
const STORAGE = { overlay: { dir: 'upper', wholeTree: false }, copy: { dir: 'rootfs', wholeTree: true } } as const;

/** `image`: the container's image's view when the caller has it open already (built once). */
export async function openContainerView(store: Store, rec: ContainerRecord, opened?: ImageView): Promise<ContainerView> {
  const image = opened ?? openImageView(store, readImage(store, rec.image));
  // The tree needs the whole view: built first, it answers the driver's lookups too.
  const view = image.view;
  const layer = await writableLayerOf(store, rec, image);
  const storage = STORAGE[rec.driver];
  return {
    rec, image, layer, tree: new WritableLayer(view, layer),
    storage: join(containerDir(store, rec.id), storage.dir), wholeTree: storage.wholeTree,
  };
}

/** Whether a resolved entry's bytes are the container's own (else an image layer's). */
function isOwn(cv: FilesView, r: ResolvedEntry): boolean {
  return r.layer === cv.tree.layer;
}

/** Open the container's own copy of a regular file for reading, component by component. */
function openOwnFile(cv: FilesView, path: BytePath): number {
  const names = componentsOf(path);
  const base = openBase(cv.storage);
  try {
    const dir = walkDirs(base, names.slice(0, -1));
    try {
      return openFileAt(dir, names[names.length - 1]!);
    } finally {
      closeSync(dir);
    }
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError(`cannot read ${displayPath(path)} from container ${cv.rec.id.slice(0, 12)} (did it change meanwhile?)`, { cause: err });
  } finally {
    closeSync(base);
  }
}

/** Calls `sink` with a regular file's contents, wherever they live. */
export function readContent(store: Store, cv: FilesView, r: ResolvedEntry, sink: (chunk: Buffer) => void): void {
  if (r.entry.type !== 'file') throw new StrataError(`${displayPath(r.path)}: not a regular file (${r.entry.type})`);
  if (!isOwn(cv, r)) return readEntryContent(store, cv.image, r, sink);
  const fd = openOwnFile(cv, r.path);
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) sink(Buffer.from(buf.subarray(0, n)));
  } finally {
    closeSync(fd);
  }
}

/** A small text file of the container (links resolved inside its root), or undefined. */
export function readContainerText(store: Store, cv: ContainerView, path: string): string | undefined {
  let found: ResolvedEntry | undefined;
  try {
    found = resolvePath(cv.tree, path).entry;
  } catch (err) {
    if (err instanceof PathError) return undefined;
    throw err;
  }
  if (found === undefined || found.entry.type !== 'file') return undefined;
  const chunks: Buffer[] = [];
  readContent(store, cv, found, (c) => chunks.push(c));
  return Buffer.concat(chunks).toString('utf8');
}
