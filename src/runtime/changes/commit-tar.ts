// A container's writable layer as a layer tar: the canonical, reproducible stream `commit` hands
// to the store (which unpacks, indexes and digests it like any layer). The same files give the
// same bytes: entries sorted by path, numeric owners only, no wall-clock time anywhere; deletions
// as `.wh.NAME` entries and opaque directories as `.wh..wh..opq` (import/whiteout.ts names them).
//
// The index says WHAT is in the layer (its paths, whiteouts, opaque directories); each entry's
// metadata and bytes are read again here, through containers/beneath.ts, from the container's
// storage. The container may be running: a path it swapped for a symlink since the index was made
// (`ln -s / upper/etc`) is refused, never followed, so no host file can end up in an image; an
// entry whose type changed meanwhile fails the commit (try again).
//
// Not carried: extended attributes (Node.js cannot read them; file capabilities are lost, as with
// `docker export`), sockets (a tar cannot hold them; Docker skips them too).

import { closeSync, fstatSync, readSync, type Stats } from 'node:fs';
import { ROOT, displayPath, parentOf, type BytePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { IndexEntry, LayerIndex } from '../../base/layer-index.js';
import { classifyEntry, opaqueMarkerFor, whiteoutEntryFor } from '../../import/whiteout.js';
import type { TreeReader } from '../../resolver/types.js';
import { TarWriter, type TarWriteEntry } from '../../tar/writer.js';
import { DirCursor, lstatAt, openFileAt, readlinkAt } from '../containers/beneath.js';
import { entryOf } from '../drivers/upper-index.js';

export interface LayerTarSource {
  /** The host directory holding the layer's files (upper/ or rootfs/). */
  readonly storage: string;
  /** The layer to write (after canonicalLayer). */
  readonly index: LayerIndex;
  /** Owner ids as the files have them on the host -> as the image must have them (rootless: the
   * caller's own ids are root inside). */
  readonly owner: (id: number, kind: 'uid' | 'gid') => number;
}

const CHUNK = 1 << 20;

/**
 * The layer in its canonical form: a directory the container made anew over one of the image's
 * (`recreated`, from the copy driver; overlay marks them itself) is opaque, and whiteouts inside
 * an opaque directory, which hide nothing more, are dropped. Equal views give equal layers.
 */
export function canonicalLayer(index: LayerIndex, lower: TreeReader, recreated: ReadonlySet<BytePath> = new Set()): LayerIndex {
  const opaque = new Set(index.opaque);
  for (const dir of recreated) if (index.entries.get(dir)?.type === 'dir' && lower.lookup(dir)?.entry.type === 'dir') opaque.add(dir);
  const underOpaque = (path: BytePath) => {
    for (let dir = parentOf(path); ; dir = parentOf(dir)) {
      if (opaque.has(dir)) return true;
      if (dir === ROOT) return false;
    }
  };
  const whiteouts = new Set([...index.whiteouts].filter((p) => !underOpaque(p)));
  return { entries: index.entries, whiteouts, opaque };
}

type Item = { path: BytePath; kind: 'entry' | 'whiteout' | 'opaque' };

/** The layer's tar stream. */
export async function* layerTar(src: LayerTarSource): AsyncGenerator<Buffer> {
  const items: Item[] = [];
  for (const path of src.index.entries.keys()) {
    if (path === ROOT) continue;
    // A file named like a whiteout would BE a whiteout once written into a layer tar.
    if (classifyEntry(path).kind !== 'plain') throw new StrataError(`cannot commit ${displayPath(path)}: names starting with ".wh." are reserved for whiteouts in layer tars`);
    items.push({ path, kind: 'entry' });
  }
  for (const path of src.index.whiteouts) items.push({ path: whiteoutEntryFor(path), kind: 'whiteout' });
  for (const dir of src.index.opaque) items.push({ path: opaqueMarkerFor(dir), kind: 'opaque' });
  items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  let pending: Buffer[] = [];
  const tar = new TarWriter((chunk) => pending.push(chunk), { canonical: true });
  const take = () => {
    const out = Buffer.concat(pending);
    pending = [];
    return out;
  };
  const cursor = new DirCursor(src.storage);
  /** inode -> the path it was first written under (hard links stay links). */
  const written = new Map<string, BytePath>();
  try {
    for (const item of items) {
      const name = item.path.slice(1);
      if (item.kind !== 'entry') {
        // Whiteouts and opaque markers are empty files with fixed metadata: only their names count.
        tar.add({ name, type: 'file', mode: 0, uid: 0, gid: 0, mtime: 0 });
        continue;
      }
      const expected = src.index.entries.get(item.path)!;
      const base = item.path.slice(item.path.lastIndexOf('/') + 1);
      let dir: number;
      let st: Stats | undefined;
      try {
        dir = cursor.dirOf(item.path);
        st = lstatAt(dir, base);
      } catch (err) {
        throw changed(item.path, err);
      }
      if (st?.isSocket()) continue;
      const now = st === undefined ? undefined : entryOf(item.path, st, () => readlinkAt(dir, base));
      if (now === undefined || now.type !== expected.type) throw changed(item.path);
      const header = headerOf(name, now, src);
      if (now.type !== 'file') {
        tar.add(header);
      } else {
        const inode = `${st!.dev}:${st!.ino}`;
        const first = st!.nlink > 1 ? written.get(inode) : undefined;
        if (first !== undefined) {
          tar.add({ ...header, type: 'hardlink', linkName: first.slice(1) });
        } else {
          if (st!.nlink > 1) written.set(inode, item.path);
          yield* fileEntry(tar, take, dir, base, header, item.path);
        }
      }
      yield take();
    }
    tar.finish();
    yield take();
  } finally {
    cursor.close();
  }
}

function headerOf(name: string, e: IndexEntry, src: LayerTarSource): TarWriteEntry {
  return {
    name: e.type === 'dir' ? `${name}/` : name,
    type: e.type,
    mode: e.mode,
    uid: src.owner(e.uid, 'uid'),
    gid: src.owner(e.gid, 'gid'),
    mtime: e.mtime,
    ...(e.linkTarget !== undefined ? { linkName: e.linkTarget } : {}),
    ...(e.devMajor !== undefined ? { devMajor: e.devMajor, devMinor: e.devMinor ?? 0 } : {}),
  };
}

/** A regular file's header and bytes, read from the descriptor opened beneath its directory.
 * The size is the open file's: a file the container is still writing is taken as it is now. */
async function* fileEntry(tar: TarWriter, take: () => Buffer, dir: number, base: string, header: TarWriteEntry, path: BytePath): AsyncGenerator<Buffer> {
  let fd: number;
  try {
    fd = openFileAt(dir, base);
  } catch (err) {
    throw changed(path, err);
  }
  try {
    const size = fstatSync(fd).size;
    tar.beginEntry({ ...header, size });
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    for (let left = size; left > 0;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, left), null);
      if (n === 0) throw new StrataError(`${displayPath(path)} shrank while the container was being committed; try again`);
      tar.write(Buffer.from(buf.subarray(0, n)));
      left -= n;
      yield take();
    }
  } finally {
    closeSync(fd);
  }
}

function changed(path: BytePath, cause?: unknown): StrataError {
  return new StrataError(`${displayPath(path)} changed while the container was being committed; try again`, cause === undefined ? {} : { cause });
}

/** Directories of the layer where the lower layers have one too, that are not that directory
 * (changed in place) but new, born after `sinceMs`: the copy driver's directories made anew over
 * deleted ones. (A file system that keeps no birth time gives none: whiteouts then say the same.) */
export function dirsBornAfter(storage: string, index: LayerIndex, lower: TreeReader, sinceMs: number): Set<BytePath> {
  const out = new Set<BytePath>();
  const cursor = new DirCursor(storage);
  try {
    for (const [path, e] of index.entries) {
      if (path === ROOT || e.type !== 'dir' || lower.lookup(path)?.entry.type !== 'dir') continue;
      const dir = cursor.dirOf(path);
      const st: Stats | undefined = lstatAt(dir, path.slice(path.lastIndexOf('/') + 1));
      if (st?.isDirectory() && st.birthtimeMs > sinceMs) out.add(path);
    }
  } finally {
    cursor.close();
  }
  return out;
}
