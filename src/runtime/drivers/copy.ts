// The copy driver: the image's merged view materialized into the container's own rootfs/ (files
// reflinked where the file system can, copied otherwise; hard links of one layer kept as links;
// device nodes (root only) and fifos made by the helper; owners (root only), modes and times as
// the index says; xattrs are not applied — Node.js has no call for them). Nothing is shared with the layer directories,
// so the container can never write an image layer.
//
// Change tracking: after materializing, a stamp file is written and strata waits until the file
// system's clock has moved past it. Everything the container later creates or changes gets a
// newer ctime than the stamp (ctime cannot be set from user space), so after it exits its
// writable layer is exactly the paths whose ctime is newer, plus whiteouts for the image's paths
// that are gone (copy-changes.ts).

import { chmodSync, closeSync, constants, copyFileSync, lchownSync, linkSync, lutimesSync, mkdirSync, openSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bufferOf, bytesOfUserString, type BytePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { IndexEntry, LayerIndex } from '../../base/layer-index.js';
import { contentPath, type ImageView } from '../../content/image-view.js';
import type { ResolvedEntry } from '../../resolver/types.js';
import { refusedByOwner } from '../../store/mapped-owners.js';
import type { NodeSpec } from '../helper/ops.js';
import { computeChanges } from './copy-changes.js';
import type { DriverContext, RootfsDriver } from './types.js';
import type { MountPoint } from '../sandbox/mount-points.js';
import type { RootfsMount } from '../sandbox/plan.js';
import { makeSkeleton } from './skeleton.js';

export const STAMP = 'rootfs.stamp';

export class CopyDriver implements RootfsDriver {
  readonly name = 'copy' as const;

  constructor(private readonly ctx: DriverContext) {}

  async populate(dir: string, image: ImageView, mountPoints: readonly MountPoint[]): Promise<void> {
    const rootfs = join(dir, 'rootfs');
    try {
      await this.materialize(rootfs, image);
      makeSkeleton(rootfs, mountPoints, image.view);
    } catch (err) {
      throw new StrataError('copy the image into the container', { cause: err, exitCode: 125 });
    }
    writeStamp(join(dir, STAMP));
  }

  rootfs(dir: string): RootfsMount {
    return { kind: 'bind', dir: join(dir, 'rootfs') };
  }

  newRoot(dir: string): string {
    return join(dir, 'rootfs');
  }

  async writableLayer(dir: string, image: ImageView): Promise<LayerIndex> {
    return computeChanges(join(dir, 'rootfs'), statSync(join(dir, STAMP), { bigint: true }).ctimeNs, image.view);
  }

  private async materialize(rootfs: string, image: ImageView): Promise<void> {
    const asRoot = process.getuid?.() === 0;
    const at = (p: BytePath) => Buffer.concat([Buffer.from(rootfs), bufferOf(p === ROOT ? '' : p)]);
    const entries = image.view.walk();
    const links = new Map<string, Buffer>();
    const nodes: { r: ResolvedEntry; spec: NodeSpec }[] = [];
    /** What this copy made, each once (a hard link's first copy stands for its inode). */
    const owned: IndexEntry[] = [];
    mkdirSync(rootfs, { mode: 0o700 });
    for (const r of entries) {
      const e = r.entry;
      const where = at(r.path);
      switch (e.type) {
        case 'dir':
          // Writable for now; its own mode is applied once everything inside it is made.
          if (r.path !== ROOT) mkdirSync(where, { mode: 0o700 });
          continue;
        case 'file': {
          const key = `${r.layer}:${e.hardlinkOf ?? e.path}`;
          const first = links.get(key);
          if (first) {
            linkSync(first, where);
            continue;
          }
          await this.copyContent(contentPath(this.ctx.store, image, r), where);
          links.set(key, where);
          owned.push(ownedAt(r));
          break;
        }
        case 'symlink':
          symlinkSync(bufferOf(e.linkTarget ?? ''), where);
          owned.push(ownedAt(r));
          break;
        default:
          // Without root only fifos can be made (see overlay-marks.ts).
          if (!asRoot && e.type !== 'fifo') continue;
          owned.push(ownedAt(r));
          nodes.push({ r, spec: { path: bytesOfUserString(rootfs) + r.path, type: e.type === 'char' ? 'c' : e.type === 'block' ? 'b' : 'p', mode: e.mode, major: e.devMajor ?? 0, minor: e.devMinor ?? 0 } });
          continue;
      }
      if (asRoot) lchownSync(where, e.uid, e.gid);
      if (e.type !== 'symlink') chmodSync(where, e.mode);
      lutimesSync(where, e.mtime, e.mtime);
    }
    if (nodes.length > 0) await this.ctx.makeNodes(nodes.map((n) => n.spec));
    for (const { r } of nodes) {
      if (asRoot) lchownSync(at(r.path), r.entry.uid, r.entry.gid);
      lutimesSync(at(r.path), r.entry.mtime, r.entry.mtime);
    }
    // Directories deepest first (the walk is sorted, parents before children: reverse it).
    for (let i = entries.length - 1; i >= 0; i--) {
      const r = entries[i]!;
      if (r.entry.type !== 'dir') continue;
      const where = at(r.path);
      if (asRoot) lchownSync(where, r.entry.uid, r.entry.gid);
      chmodSync(where, r.entry.mode);
      utimesSync(where, r.entry.mtime, r.entry.mtime);
      owned.push(ownedAt(r));
    }
    // Rootless with subordinate ids: the image's owners, as its layers have them.
    await this.ctx.store.mapped?.own(this.ctx.store, rootfs, owned);
  }

  /** Copy a layer file (a reflink where the file system can), or, when its mapped owner shuts
   * the caller out (store/mapped-owners.ts), its content read from inside the user namespace. */
  private async copyContent(from: Buffer, to: Buffer): Promise<void> {
    try {
      copyFileSync(from, to, constants.COPYFILE_FICLONE);
    } catch (err) {
      if (!refusedByOwner(this.ctx.store, err)) throw err;
      writeFileSync(to, await this.ctx.store.mapped!.read(this.ctx.store, from), { mode: 0o600, flag: 'wx' });
    }
  }
}

/** Write the stamp, then wait until a file made now would get a newer ctime (the file system's
 * clock ticks coarsely), so no change the container makes can share the stamp's ctime. */
function writeStamp(path: string): void {
  writeFileSync(path, '');
  const stamp = statSync(path, { bigint: true }).ctimeNs;
  const probe = `${path}.probe`;
  for (;;) {
    closeSync(openSync(probe, 'wx'));
    const now = statSync(probe, { bigint: true }).ctimeNs;
    unlinkSync(probe);
    if (now > stamp) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
  }
}

/** A copied entry at its path in the copy, as the first (or only) link to its inode. */
function ownedAt(r: ResolvedEntry): IndexEntry {
  const { hardlinkOf: _first, ...entry } = r.entry;
  return { ...entry, path: r.path };
}
