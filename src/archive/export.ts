// `strata export`: the merged view of a layer stack as one flattened rootfs tar — whiteouts
// applied, opaque directories respected, nothing of the layering left — that GNU tar extracts to
// exactly the merged tree. Entries come from the resolver in path order (parents first); file
// bytes come from the layer that wins each path, opened with O_NOFOLLOW. Files that were one
// inode in their layer stay hardlinked where more than one of them survives.

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { ROOT, displayPath, type BytePath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { IndexEntry, LayerIndex } from '../base/layer-index.js';
import { contentPath, type ImageView } from '../content/image-view.js';
import type { ResolvedEntry } from '../resolver/types.js';
import { View } from '../resolver/view.js';
import { readLayerIndex } from '../store/layers.js';
import { withLease } from '../store/lease.js';
import { refusedByOwner } from '../store/mapped-owners.js';
import type { Store } from '../store/store.js';
import type { TarWriteEntry } from '../tar/writer.js';
import { tarOutput, type TarOutput } from './tar-output.js';

const CHUNK = 1 << 20;

/** Writes the flattened tar of `layers` (diff_ids, base first) to `out`, which it does not end.
 * The layers are leased meanwhile, so a concurrent `rmi` or `prune` does not take them away. */
export async function exportFlattened(store: Store, layers: readonly string[], out: Writable): Promise<void> {
  await withLease(store, async (lease) => {
    lease.add(...layers);
    await writeFlattened(store, layers, out);
  });
}

async function writeFlattened(store: Store, layers: readonly string[], out: Writable): Promise<void> {
  const indexes = layers.map((d) => readLayerIndex(store, d));
  const view = View.of(indexes);
  const iv: ImageView = { view, diffIds: [...layers], types: view };
  const output = tarOutput(out);
  /** Hardlink group (layer + the inode's first path in that layer) -> the path exported first. */
  const exported = new Map<string, BytePath>();
  for (const r of iv.view.walk()) {
    if (r.path === ROOT) continue;
    const e = r.entry;
    const header = headerOf(r.path, e);
    if (e.type !== 'file') {
      output.tar.add(header);
    } else {
      const group = `${r.layer}\0${inodeRoot(indexes[r.layer]!, e)}`;
      const first = exported.get(group);
      if (first !== undefined) {
        output.tar.add({ ...header, type: 'hardlink', linkName: first.slice(1) });
      } else {
        exported.set(group, r.path);
        await writeContent(store, iv, r, header, output);
      }
    }
    await output.drained();
  }
  output.tar.finish();
  await output.drained();
}

function headerOf(path: BytePath, e: IndexEntry): TarWriteEntry {
  const header: TarWriteEntry = {
    name: e.type === 'dir' ? `${path.slice(1)}/` : path.slice(1),
    type: e.type,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    mtime: e.mtime,
    size: e.type === 'file' ? e.size : 0,
    ...(e.linkTarget !== undefined ? { linkName: e.linkTarget } : {}),
    ...(e.devMajor !== undefined ? { devMajor: e.devMajor } : {}),
    ...(e.devMinor !== undefined ? { devMinor: e.devMinor } : {}),
  };
  if (e.xattrs === undefined) return header;
  const xattrs: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(e.xattrs)) xattrs[name] = Buffer.from(value, 'base64');
  return { ...header, xattrs };
}

/** The first path of a regular file's inode within its layer (hardlinkOf chains end there). */
function inodeRoot(index: LayerIndex, e: IndexEntry): BytePath {
  let path = e.path;
  for (let hops = 0, next = e.hardlinkOf; next !== undefined && hops < index.entries.size; hops++) {
    path = next;
    next = index.entries.get(next)?.hardlinkOf;
  }
  return path;
}

async function writeContent(store: Store, iv: ImageView, r: ResolvedEntry, header: TarWriteEntry, output: TarOutput): Promise<void> {
  const where = `${displayPath(r.path)} (layer ${r.layer})`;
  let handle;
  try {
    // The resolver already resolved every link inside the image; O_NOFOLLOW makes sure the last
    // open does not follow one on the host.
    handle = await open(contentPath(store, iv, r), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (!refusedByOwner(store, err)) throw new StrataError(`cannot read ${where}`, { cause: err });
    // A rootless layer's file that only its mapped owner may read (store/mapped-owners.ts).
    const bytes = await store.mapped!.read(store, contentPath(store, iv, r));
    if (bytes.length !== r.entry.size) throw new StrataError(`${where}: the layer holds ${bytes.length} bytes, its index says ${r.entry.size} bytes`);
    output.tar.beginEntry(header);
    output.tar.write(bytes);
    await output.drained();
    return;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size !== r.entry.size) {
      throw new StrataError(`${where}: the layer holds ${st.isFile() ? `${st.size} bytes` : 'no regular file'}, its index says ${r.entry.size} bytes`);
    }
    output.tar.beginEntry(header);
    for (let left = r.entry.size; left > 0;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) throw new StrataError(`${where}: the file shrank while it was read`);
      left -= bytesRead;
      output.tar.write(buf.subarray(0, bytesRead));
      await output.drained();
    }
  } finally {
    await handle.close();
  }
}
