// `strata cp HOSTPATH CTR:PATH`. The destination is resolved by the resolver in the container's
// view, every symlink followed INSIDE its root (a link to /etc, or to /../../../tmp, leads to the
// container's /etc, its /tmp); then written one component at a time through containers/beneath.ts,
// where a link found on the way is refused, never followed (a running container may swap a
// directory for one meanwhile). Where the writes go:
//   - a stopped overlay container: its upper directory, with overlayfs's own rules applied by hand:
//     directories on the way that only the image has are copied up (the image's owner, mode and
//     times), a whiteout in the way is replaced, and a directory made where something was deleted
//     or replaced is marked opaque, so the image's old contents stay deleted;
//   - a running overlay container: its mounted root as its init sees it (/proc/PID/root), so the
//     kernel's overlay does the copy-up (writing under a live overlay's upper directory is
//     undefined); its /proc, /sys and /dev are refused;
//   - a copy-driver container: its rootfs, which holds the whole tree.
// Files are owned by root inside the container (Docker's rule: strata's own ids are root inside),
// with the source's mode and times. The source is the caller's: a link named directly is followed,
// links inside a copied directory are copied as links. A tar on stdin (`cp - CTR:DIR`) is unpacked
// by the store's own unpacker (import/unpack.ts: names made safe) into staging, then copied from
// there, every link in it copied as a link.

import { closeSync, constants, fchmodSync, fchownSync, futimesSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { ROOT, bytesOfUserString, displayPath, joinPath, type BytePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import { resolvePath, resolvePrefix } from '../../resolver/symlinks.js';
import { componentsOf, lstatAt, lutimesAt, mkdirAt, openBase, openDirAt, openFileAt, removeAt, symlinkAt, walkDirs } from '../containers/beneath.js';
import type { ContainerView } from '../containers/view.js';

/** Where the container's files are written. */
export interface CopyInPlace {
  /** The directory written under: upper/, rootfs/, or /proc/PID/root. */
  readonly base: number;
  /** `base` holds only the changes (overlay's upper): copy-up and whiteouts are ours to do. */
  readonly layered: boolean;
  /** Paths refused as targets (the kernel file systems of a running container). */
  readonly refused: readonly BytePath[];
  /** Mark an open directory of an upper layer opaque (overlay's xattr, drivers/upper-index.ts). */
  readonly markOpaque: (fd: number) => void;
}

/** `unsafeDest` is a byte string, the container's side as given. `follow`: a link at `hostSrc`
 * itself is followed (the user named it); false for what came out of a tar (a link there is data,
 * and may point anywhere on the host). */
export function copyIn(cv: ContainerView, hostSrc: string, unsafeDest: string, place: CopyInPlace, warn: (line: string) => void, follow = true): void {
  const st = statSource(hostSrc, follow);
  const name = bytesOfUserString(basename(hostSrc));
  const dest = resolvePath(cv.tree, unsafeDest);
  let target: BytePath;
  if (dest.entry?.entry.type === 'dir') {
    target = joinPath(dest.path, name);
  } else if (dest.entry !== undefined) {
    if (st.isDirectory()) throw new StrataError(`cannot copy directory ${hostSrc} onto file ${displayPath(unsafeDest)} in container ${cv.rec.name}`);
    target = dest.path;
  } else {
    if (unsafeDest.endsWith('/')) throw new StrataError(`${displayPath(unsafeDest)}: no such directory in container ${cv.rec.name}`);
    target = dest.path;
  }
  if (target === ROOT) throw new StrataError('cannot replace the root directory of a container');
  for (const p of place.refused) {
    if (target === p || target.startsWith(`${p}/`)) throw new StrataError(`cannot copy into ${displayPath(target)}: a kernel file system of the running container`);
  }
  new Writer(cv, place, warn).copy(hostSrc, st, target);
}

/** Who owns what placeFile writes, as the container sees it. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/**
 * A file made with the bytes given, at `unsafeDest` of a container that is not running (a batch
 * job's `files`, before it starts): the path resolved in the container's view as `cp` resolves
 * it, the directories missing on the way made (mode 0755), all of them and the file owned by
 * `owner` (when strata is root: without it, a file is owned by root inside, as with `cp`).
 * An existing file there is replaced; a directory there is refused.
 */
export function placeFile(cv: ContainerView, unsafeDest: string, data: Uint8Array, mode: number, owner: Owner, place: CopyInPlace): void {
  const r = resolvePrefix(cv.tree, unsafeDest);
  // Directories to make: plain names only, so nothing of them can climb out of where they go.
  if (r.missing.some((name) => name === '.' || name === '..')) throw new StrataError(`${displayPath(unsafeDest)}: a directory on the way does not exist`);
  const target = r.missing.reduce<BytePath>((path, name) => joinPath(path, name), r.path);
  if (target === ROOT || (r.missing.length === 0 && r.entry?.entry.type === 'dir')) throw new StrataError(`${displayPath(unsafeDest)} is a directory in the image`);
  new Writer(cv, place, () => {}, owner).write(data, mode, target);
}

function statSource(path: string, follow: boolean): Stats {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (err) {
    throw new StrataError(`cannot read ${path}`, { cause: err });
  }
}

class Writer {
  constructor(private readonly cv: ContainerView, private readonly place: CopyInPlace, private readonly warn: (line: string) => void, private readonly owner?: Owner) {}

  copy(hostSrc: string, st: Stats, target: BytePath): void {
    this.into(target, (dirFd, name) => this.put(hostSrc, st, dirFd, name, target));
  }

  /** `data` as the file at `target`, owned by this writer's owner. */
  write(data: Uint8Array, mode: number, target: BytePath): void {
    this.into(target, (dirFd, name) => {
      this.clearForNonDir(dirFd, name, target);
      const out = openFileAt(dirFd, name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        for (let off = 0; off < data.length;) off += writeSync(out, data, off, data.length - off);
        this.chownNew(out);
        fchmodSync(out, mode);
      } finally {
        closeSync(out);
      }
    });
  }

  /** With an owner and root: a new file or directory is given to the owner. */
  private chownNew(fd: number): void {
    if (this.owner && process.getuid?.() === 0) fchownSync(fd, this.owner.uid, this.owner.gid);
  }

  /** Walk to the directory that holds `target` (copying up, or making with an owner, what is
   * missing on the way), and call `last` with it and the final name. */
  private into(target: BytePath, last: (dirFd: number, name: string) => void): void {
    const names = componentsOf(target);
    // chain[k]: the directory at depth k on the way to the target (chain[0]: the root).
    const chain = [walkDirs(this.place.base, [])];
    const copiedUp: number[] = [];
    try {
      for (let i = 0; i < names.length - 1; i++) {
        const fd = chain[i]!;
        const here = lstatAt(fd, names[i]!);
        const dirPath = `/${names.slice(0, i + 1).join('/')}` as BytePath;
        if (here === undefined && this.owner && this.cv.tree.lookup(dirPath) === undefined) {
          // In neither the container nor its image: made for the owner's file (placeFile).
          mkdirAt(fd, names[i]!, 0o755);
          chain.push(openDirAt(fd, names[i]!));
          this.chownNew(chain[i + 1]!);
        } else if (here === undefined && this.place.layered) {
          // Only the image has it: copy it up, with the image's metadata (times set at the end).
          mkdirAt(fd, names[i]!, 0o700);
          chain.push(openDirAt(fd, names[i]!));
          this.copyUpMeta(chain[i + 1]!, dirPath);
          copiedUp.push(i);
        } else if (here?.isDirectory()) {
          chain.push(openDirAt(fd, names[i]!));
        } else {
          throw new StrataError(`${displayPath(dirPath)} changed in container ${this.cv.rec.name} while copying; try again`);
        }
      }
      last(chain[chain.length - 1]!, names[names.length - 1]!);
      // A copied-up directory keeps the image's times, except the one the new entry went into.
      for (const i of copiedUp.reverse()) {
        if (i !== names.length - 2) lutimesAt(chain[i]!, names[i]!, this.cv.tree.lookup(`/${names.slice(0, i + 1).join('/')}` as BytePath)!.entry.mtime);
      }
    } finally {
      for (const fd of chain) closeSync(fd);
    }
  }

  private copyUpMeta(fd: number, path: BytePath): void {
    const e = this.cv.tree.lookup(path)!.entry;
    if (process.getuid?.() === 0) fchownSync(fd, e.uid, e.gid);
    fchmodSync(fd, e.mode);
  }

  /** Copy the host's `src` to NAME in `dirFd` (container path `path`). */
  private put(src: string, st: Stats, dirFd: number, name: string, path: BytePath): void {
    if (st.isDirectory()) return this.putDir(src, st, dirFd, name, path);
    if (!st.isFile() && !st.isSymbolicLink()) {
      this.warn(`strata: cp: skipped ${src}: only files, directories and links are copied`);
      return;
    }
    this.clearForNonDir(dirFd, name, path);
    if (st.isSymbolicLink()) {
      symlinkAt(dirFd, name, readlinkSync(src, { encoding: 'buffer' }).toString('latin1'));
      lutimesAt(dirFd, name, st.mtimeMs / 1000);
      return;
    }
    const out = openFileAt(dirFd, name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      const input = openSync(src, constants.O_RDONLY);
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        for (let n = readSync(input, buf, 0, buf.length, null); n > 0; n = readSync(input, buf, 0, buf.length, null)) {
          for (let off = 0; off < n;) off += writeSync(out, buf, off, n - off);
        }
      } finally {
        closeSync(input);
      }
      fchmodSync(out, st.mode & 0o7777);
      futimesSync(out, st.atime, st.mtime);
    } finally {
      closeSync(out);
    }
  }

  private putDir(src: string, st: Stats, dirFd: number, name: string, path: BytePath): void {
    const here = lstatAt(dirFd, name);
    const shown = this.cv.tree.lookup(path);
    let opaque = false;
    if (here !== undefined && !here.isDirectory()) {
      // Over a whiteout, the image's directory there must stay hidden: the new one is opaque.
      if (!(this.place.layered && isWhiteout(here))) throw this.typeClash(path, 'directory');
      removeAt(dirFd, name);
      opaque = true;
    } else if (here === undefined && shown !== undefined && shown.entry.type !== 'dir') {
      throw this.typeClash(path, 'directory');
    }
    // Nothing here but the image's directory (layered): the new one is its copy-up, merged.
    if (!here?.isDirectory()) mkdirAt(dirFd, name, 0o700);
    const fd = openDirAt(dirFd, name);
    try {
      if (opaque) this.place.markOpaque(fd);
      for (const child of readdirSync(src, { encoding: 'buffer' })) {
        const childName = child.toString('latin1');
        const childSrc = join(src, child.toString());
        this.put(childSrc, lstatSync(Buffer.concat([Buffer.from(`${src}/`), child])), fd, childName, joinPath(path, childName));
      }
      fchmodSync(fd, st.mode & 0o7777);
      futimesSync(fd, st.atime, st.mtime);
    } finally {
      closeSync(fd);
    }
  }

  /** Make room for a file or link at NAME: a directory there is an error (as with cp); anything
   * else — a file, a link, a whiteout — goes. */
  private clearForNonDir(dirFd: number, name: string, path: BytePath): void {
    const here = lstatAt(dirFd, name);
    if (here?.isDirectory() || (here === undefined && this.cv.tree.lookup(path)?.entry.type === 'dir')) throw this.typeClash(path, 'non-directory');
    if (here !== undefined) removeAt(dirFd, name);
  }

  private typeClash(path: BytePath, what: string): StrataError {
    return new StrataError(`cannot overwrite ${displayPath(path)} in container ${this.cv.rec.name} with a ${what}`);
  }
}

/** overlayfs's whiteout: a character device 0:0. */
function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

/** The root a running container's process sees (/proc/PID/root), opened, and checked to still be that
 * process's (its pid could have been reused between finding and opening it). */
export function openRunningRoot(pid: number, stillThere: () => boolean): number {
  const fd = openBase(`/proc/${pid}/root`);
  if (!stillThere()) {
    closeSync(fd);
    throw new StrataError('the container stopped while copying');
  }
  return fd;
}
