// An overlay upper directory read as a layer index (what `diff` and `commit` need): every entry
// with its metadata; a character device 0:0 is a whiteout (the path is deleted); a directory with
// the xattr trusted.overlay.opaque="y" (user.overlay.opaque rootless) is opaque. Node.js cannot
// read xattrs, so one `getfattr -R` run lists the opaque directories (package `attr`), and only
// when some directory of the upper layer also exists below — elsewhere opacity changes nothing.
// The walk's cost follows the size of the upper layer, not the image's.

import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { ROOT, joinPath, type BytePath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { EntryType, IndexEntry, LayerIndex } from '../base/layer-index.js';
import type { PathTypes } from '../resolver/types.js';

export function readUpperIndex(upper: string, lower: PathTypes): LayerIndex {
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
  const opaque = dirsAlsoBelow ? opaqueDirs(upper) : new Set<BytePath>();
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

/** The opaque directories of an upper layer, from one `getfattr -R` dump. */
function opaqueDirs(upper: string): Set<BytePath> {
  const r = spawnSync('getfattr', ['-R', '-P', '-h', '-d', '-m', '^(trusted|user)\\.overlay\\.opaque$', '-e', 'text', '.'], { cwd: upper, maxBuffer: 1 << 30 });
  if (r.error) throw new StrataError('reading overlay opaque markers needs getfattr (Debian package "attr")', { cause: r.error });
  if (r.status !== 0) throw new StrataError(`getfattr failed on ${upper}: ${r.stderr.toString().trim()}`);
  const out = new Set<BytePath>();
  let file: BytePath | undefined;
  for (const line of r.stdout.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) file = unescapeName(line.slice(8));
    else if (file !== undefined && /^(trusted|user)\.overlay\.opaque="y"$/.test(line)) out.add(file);
  }
  return out;
}

/** getfattr's names: relative to ".", control bytes and "\" escaped as \ooo. */
function unescapeName(text: string): BytePath {
  const raw = text.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return (raw === '.' ? ROOT : `/${raw.replace(/^\.\//, '')}`) as BytePath;
}
