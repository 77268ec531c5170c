// ADD of a local tar archive: its contents, not the file, go to the destination, as Docker does.
// The archive is unpacked by the importer (import/unpack.ts: the one place untrusted tar names are
// made safe) into staging, and its entries are copied from there; a file that is not a tar archive
// in any compression `import` reads is copied as it is.

import { closeSync, constants, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { bufferOf, displayPath } from '../../base/byte-path.js';
import { createStagingDir, removeTree } from '../../store/staging.js';
import type { ContextEntry } from '../context/build-context.js';
import type { StepContext } from './context.js';
import { contextItems, type Placement, type SourceItem } from './copy-sources.js';

export async function archiveItems(ctx: StepContext, matched: readonly ContextEntry[], place: Placement, fail: (why: string) => Error): Promise<{ items: SourceItem[]; dispose: () => Promise<void> }> {
  const staged: string[] = [];
  const items: SourceItem[] = [];
  const dispose = async () => {
    for (const dir of staged) removeTree(dir);
  };
  try {
    for (const m of matched) {
      if (!m.stat.isFile() || !(await isTarArchive(ctx.context.host(m.path)))) {
        items.push(...contextItems(ctx.context, [m], place, fail));
        continue;
      }
      const dir = createStagingDir(ctx.store);
      staged.push(dir);
      items.push(await unpackedItem(ctx.context.host(m.path), dir, place, m.path, fail));
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return { items, dispose };
}

async function isTarArchive(path: string | Buffer): Promise<boolean> {
  const { detectCompression } = await import('../../import/decompress.js');
  const head = Buffer.alloc(512);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  try {
    detectCompression(head.subarray(0, n));
    return true;
  } catch {
    return false;
  }
}

async function unpackedItem(host: string | Buffer, dir: string, place: Placement, name: string, fail: (why: string) => Error): Promise<SourceItem> {
  const { openTarSource } = await import('../../import/decompress.js');
  const { unpackLayer } = await import('../../import/unpack.js');
  let index;
  // A name that is not UTF-8 has no string path: the archive is read through its descriptor.
  const fd = typeof host === 'string' ? -1 : openSync(host, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const source = await openTarSource(fd < 0 ? host as string : `/proc/self/fd/${fd}`);
    index = (await unpackLayer(source.chunks, dir)).index;
  } catch (err) {
    throw fail(`ADD ${displayPath(name)}: ${(err as Error).message}`);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  const rootfs = join(dir, 'rootfs');
  return {
    isDir: true,
    name: '',
    *entries() {
      for (const e of index.entries.values()) {
        if (e.path === '/') continue;
        if (e.type !== 'file' && e.type !== 'dir' && e.type !== 'symlink') throw fail(`ADD ${name}: ${e.path} is a special file (${e.type})`);
        yield {
          rel: e.path.slice(1), type: e.type,
          mode: place.mode ?? e.mode,
          uid: place.owner?.uid ?? e.uid,
          gid: place.owner?.gid ?? e.gid,
          mtime: Math.floor(e.mtime),
          ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
          ...(e.type === 'file' ? { content: { host: Buffer.concat([Buffer.from(rootfs), bufferOf(e.path)]), size: e.size } } : {}),
        };
      }
    },
  };
}
