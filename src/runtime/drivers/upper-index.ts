// An overlay upper directory read as a layer index (what `diff` and `commit` need): every entry
// with its metadata; a character device 0:0 is a whiteout (the path is deleted); a directory with
// the xattr trusted.overlay.opaque="y" (user.overlay.opaque rootless) is opaque. Node.js cannot
// read xattrs, so the helper lists the opaque directories in one walk (helper/ops.ts
// `xattr-dirs`), and only when some directory of the upper layer also exists below — elsewhere
// opacity changes nothing. The walk's cost follows the size of the upper layer, not the image's.

import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { ROOT, bytesOfUserString, joinPath, type BytePath } from '../../base/byte-path.js';
import type { EntryType, IndexEntry, LayerIndex } from '../../base/layer-index.js';
import type { PathTypes } from '../../resolver/types.js';
import type { Store } from '../../store/store.js';
import { queryHelper } from '../helper/process.js';
import { inUserNamespace } from '../rootless/subordinate-ids.js';

export async function readUpperIndex(store: Store, upper: string, lower: PathTypes): Promise<LayerIndex> {
  const entries = new Map<BytePath, IndexEntry>();
  const whiteouts = new Set<BytePath>();
  let dirsAlsoBelow = false;
  const walk = (dir: BytePath) => {
    for (const name of readdirSync(hostPath(upper, dir), { encoding: 'buffer' })) {
      const path = joinPath(dir, name.toString('latin1'));
      const st = lstatSync(hostPath(upper, path));
      if (st.isCharacterDevice() && st.rdev === 0) {
        whiteouts.add(path);
        continue;
      }
      entries.set(path, entryOf(path, st, () => readlinkSync(hostPath(upper, path), { encoding: 'buffer' }).toString('latin1')));
      if (st.isDirectory()) {
        if (lower.typeOf(path) === 'dir') dirsAlsoBelow = true;
        walk(path);
      }
    }
  };
  walk(ROOT);
  const opaque = dirsAlsoBelow ? await opaqueDirs(store, upper) : new Set<BytePath>();
  return { entries, whiteouts, opaque };
}

export function hostPath(base: string, path: BytePath): Buffer {
  return Buffer.concat([Buffer.from(base), Buffer.from(path === ROOT ? '' : path, 'latin1')]);
}

/** An index entry from lstat (a stored file's digest is not computed here). */
export function entryOf(path: BytePath, st: Stats, readLink: () => string): IndexEntry {
  const type: EntryType = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isCharacterDevice() ? 'char'
    : st.isBlockDevice() ? 'block' : st.isFIFO() ? 'fifo' : 'file';
  const e: { -readonly [K in keyof IndexEntry]: IndexEntry[K] } = {
    path, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0, mtime: Math.floor(st.mtimeMs) / 1000,
  };
  if (type === 'symlink') e.linkTarget = readLink();
  if (type === 'char' || type === 'block') {
    e.devMajor = Math.floor(st.rdev / 256) & 0xfff;
    e.devMinor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
  }
  return e;
}

/** The xattr overlayfs keeps opaque markers in: trusted.* as root of the host; in a user namespace
 * (rootless, and strata working as root of one: rootless/mapped-root.ts) the helper mounts with
 * userxattr, so user.*. */
export function opaqueXattr(): string {
  return `${process.getuid?.() === 0 && !inUserNamespace() ? 'trusted' : 'user'}.overlay.opaque`;
}

/** The opaque directories of an upper layer, listed by the helper in one walk. */
async function opaqueDirs(store: Store, upper: string): Promise<Set<BytePath>> {
  const out = await queryHelper(store, { op: 'xattr-dirs', root: bytesOfUserString(upper), name: opaqueXattr(), value: 'y' });
  const paths = out.toString('latin1').split('\0');
  paths.pop();   // after the last NUL
  return new Set(paths as BytePath[]);
}
