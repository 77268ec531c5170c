// The layer being unpacked: its directory on disk (`layerDir/rootfs`) and, in memory, what every
// path in it is. The in-memory model is the authority: every decision (does the parent exist? is
// it a directory? what is being replaced?) is answered from it, never by asking the file system,
// so no answer can be changed by what the archive wrote before.
//
// The invariant that keeps writes inside the layer: every path handed to the kernel runs only
// through directories this unpacker created itself. Entries below a symlink, a file or a device
// of this layer are refused (see ensureParents), and the last component is never followed
// (O_EXCL|O_NOFOLLOW for files; link(), symlink() and mkdir() never follow it either).
//
// Directories are created 0700 and get their mode, owner and mtime at the end, when nothing more
// is written into them: a 0555 directory stays writable while its children arrive, a setgid
// directory does not hand its group to children the archive gave another group, and adding a
// child does not move the directory's mtime afterwards.

import {
  chmodSync, chownSync, closeSync, fchmodSync, fchownSync, fstatSync, futimesSync, lchownSync, linkSync, lutimesSync,
  mkdirSync, openSync, renameSync, rmdirSync, symlinkSync, unlinkSync, utimesSync, constants,
} from 'node:fs';
import { join } from 'node:path';
import type { BytePath } from '../base/byte-path.js';
import { ROOT, bufferOf, displayPath, joinPath, parentOf } from '../base/byte-path.js';
import type { EntryType, IndexEntry, LayerIndex } from '../base/layer-index.js';
import type { TarHeader } from '../tar/header.js';
import { REPLACED_DIR } from './tar-split.js';
import type { TarSplitRecorder } from './tar-split.js';

type MutableEntry = { -readonly [K in keyof IndexEntry]: IndexEntry[K] };

interface DirMeta {
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

/** An entry the layer refuses; unpack.ts names the entry in the message. */
export class Refused extends Error {
  override name = 'Refused';
}

const ASCII = /^[\x01-\x7f]*$/;
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** Directories the archive implies but does not list: as Docker and overlay create them. */
const IMPLIED_DIR_MODE = 0o755;

export class LayerTree {
  private readonly entries = new Map<BytePath, MutableEntry>();
  private readonly whiteouts = new Set<BytePath>();
  private readonly opaque = new Set<BytePath>();
  /** Paths that are directories right now (the root always is). */
  private readonly dirs = new Set<BytePath>([ROOT]);
  /** Index entries directly inside each directory: a non-empty one cannot be replaced. */
  private readonly childCount = new Map<BytePath, number>();
  /** Final metadata of every directory, applied by finish(). */
  private readonly dirMeta = new Map<BytePath, DirMeta>();
  /** Hard-link groups: first path of the group -> the other paths linked to it. */
  private readonly linksTo = new Map<BytePath, BytePath[]>();
  /** The rootfs directory as a byte string, so that abs() is one concatenation. */
  private readonly rootPrefix: string;
  private readonly rootfs: Buffer;
  private readonly rootfsText: string;
  private readonly asRoot = process.geteuid?.() === 0;
  private readonly euid = process.geteuid?.() ?? -1;
  private readonly egid = process.getegid?.() ?? -1;
  /** Permission bits that survive file creation here (umask, default ACLs). */
  private readonly createMask: number;
  private replacedDirMade = false;

  constructor(private readonly layerDir: string, private readonly split: TarSplitRecorder) {
    this.rootfsText = join(layerDir, 'rootfs');
    this.rootfs = Buffer.from(this.rootfsText);
    this.rootPrefix = this.rootfs.toString('latin1');
    mkdirSync(this.rootfs, { mode: 0o700 });
    // Every file and directory below is created by this process and owned by it: its euid and,
    // with this chown, its egid even where new files take their directory's group (a setgid
    // staging parent, a grpid mount). chmod clears an inherited setgid bit.
    if (this.asRoot) chownSync(this.rootfs, this.euid, this.egid);
    chmodSync(this.rootfs, 0o700);
    this.createMask = probeCreateMask(this.rootfs);
  }

  /** The path of `p` on the host. ASCII paths (nearly all) stay strings, which the fs calls
   * encode without a JS allocation; any other byte string becomes its exact bytes. */
  private abs(p: BytePath): string | Buffer {
    if (p === ROOT) return this.rootfs;
    return ASCII.test(p) ? this.rootfsText + p : Buffer.from(this.rootPrefix + p, 'latin1');
  }

  /** Owners are set only when running as root, and only when creation did not already give them:
   * everything here is created owned by euid:egid (see the constructor). */
  private needsChown(uid: number, gid: number): boolean {
    return this.asRoot && (uid !== this.euid || gid !== this.egid);
  }

  /** Start a regular file; returns the open fd for its content (readable too for a sparse file,
   * whose digest is read back once its regions are written). */
  createFile(path: BytePath, h: TarHeader): number {
    this.prepare(path, 'file', h.mtime);
    const flags = h.sparse === undefined ? CREATE_FILE : CREATE_FILE & ~constants.O_WRONLY | constants.O_RDWR;
    return openSync(this.abs(path), flags, h.mode & 0o777);
  }

  /** Finish a regular file: owner, then mode (chown clears setuid/setgid), then mtime. Owner and
   * mode calls are skipped when creation already gave the file what it needs (most files of a
   * root filesystem: root-owned, 0644 or 0755): two syscalls fewer per file. */
  finishFile(fd: number, path: BytePath, h: TarHeader, digest: string): void {
    try {
      const chowned = this.needsChown(h.uid, h.gid);
      if (chowned) fchownSync(fd, h.uid, h.gid);
      if (chowned || (h.mode & 0o7000) !== 0 || (h.mode & ~this.createMask & 0o777) !== 0) fchmodSync(fd, h.mode);
      futimesSync(fd, timeArg(h.mtime), timeArg(h.mtime));
    } finally {
      closeSync(fd);
    }
    const size = h.sparse?.realSize ?? h.size;
    this.entries.set(path, withXattrs({ path, type: 'file', mode: h.mode, uid: h.uid, gid: h.gid, size, mtime: h.mtime, digest }, h));
  }

  addDir(path: BytePath, h: TarHeader): void {
    const merge = path === ROOT || this.prepare(path, 'dir', h.mtime);
    if (!merge) {
      mkdirSync(this.abs(path), 0o700);
      this.dirs.add(path);
    }
    this.entries.set(path, withXattrs({ path, type: 'dir', mode: h.mode, uid: h.uid, gid: h.gid, size: 0, mtime: h.mtime }, h));
    this.dirMeta.set(path, { mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime });
  }

  addSymlink(path: BytePath, h: TarHeader): void {
    // The target is data: stored verbatim, never resolved or followed here.
    if (h.linkName === '') throw new Refused('symlink with an empty target');
    if (h.linkName.includes('\0')) throw new Refused('symlink target contains a NUL byte');
    this.prepare(path, 'symlink', h.mtime);
    const where = this.abs(path);
    symlinkSync(bufferOf(h.linkName), where);
    if (this.needsChown(h.uid, h.gid)) lchownSync(where, h.uid, h.gid);
    lutimesSync(where, timeArg(h.mtime), timeArg(h.mtime));
    this.entries.set(path, withXattrs({ path, type: 'symlink', mode: 0o777, uid: h.uid, gid: h.gid, size: 0, mtime: h.mtime, linkTarget: h.linkName }, h));
  }

  /** A hard link to `target`, a regular file already in this layer (a safe path). */
  addHardlink(path: BytePath, target: BytePath, h: TarHeader): void {
    if (target === path) throw new Refused('hard link to itself');
    const te = this.entries.get(target);
    // Only a regular file of this layer: a link to a directory, a device or a path outside the
    // layer (or in a lower one) would give the layer an inode it does not own.
    if (te === undefined) throw new Refused(`hard link target "${displayPath(target)}" is not in the layer`);
    if (te.type !== 'file') throw new Refused(`hard link target "${displayPath(target)}" is not a regular file`);
    this.prepare(path, 'file', h.mtime);
    linkSync(this.abs(target), this.abs(path));
    // One inode: the link shows the target's metadata, whatever its own header says.
    const first = te.hardlinkOf ?? target;
    this.entries.set(path, { ...te, path, hardlinkOf: first });
    const group = this.linksTo.get(first);
    if (group) group.push(path);
    else this.linksTo.set(first, [path]);
  }

  /** Char and block devices and fifos live in the index only. Node.js cannot mknod; the runtime's
   * native helper creates them when it assembles a root. Anything that stood at the path goes. */
  addSpecial(path: BytePath, h: TarHeader): void {
    this.prepare(path, h.type as EntryType, h.mtime);
    const e: MutableEntry = { path, type: h.type as EntryType, mode: h.mode, uid: h.uid, gid: h.gid, size: 0, mtime: h.mtime };
    if (h.type !== 'fifo') {
      e.devMajor = h.devMajor;
      e.devMinor = h.devMinor;
    }
    this.entries.set(path, withXattrs(e, h));
  }

  /** `entryPath` (DIR/.wh.NAME) deletes `target` from the layers below. DIR exists in this layer,
   * as overlay shows it. */
  addWhiteout(entryPath: BytePath, target: BytePath, mtime: number): void {
    this.ensureParents(entryPath, mtime);
    this.whiteouts.add(target);
  }

  /** `markerPath` (DIR/.wh..wh..opq) makes DIR opaque; DIR must be a directory of this layer. */
  addOpaque(markerPath: BytePath, dir: BytePath, mtime: number): void {
    this.ensureParents(markerPath, mtime);
    this.opaque.add(dir);
  }

  /** Apply directory metadata, now that nothing more is written into them; return the index. */
  finish(): LayerIndex {
    // A directory was first seen before anything inside it: in reverse, children come before
    // their parent, so a parent that becomes 0500 or 0000 no longer needs to be passed through
    // (that matters when not running as root). The root, whenever the tar listed it, goes last.
    for (const [path, m] of [...this.dirMeta].reverse()) if (path !== ROOT) this.applyDirMeta(path, m);
    const root = this.dirMeta.get(ROOT);
    if (root) this.applyDirMeta(ROOT, root);
    else chmodSync(this.rootfs, IMPLIED_DIR_MODE);
    return { entries: this.entries, whiteouts: this.whiteouts, opaque: this.opaque };
  }

  private applyDirMeta(path: BytePath, m: DirMeta): void {
    // Path-based calls are safe here: by the invariant, every component is a directory this
    // unpacker made, and `path` itself still is one (replacing a directory removes its entry).
    const where = this.abs(path);
    if (this.needsChown(m.uid, m.gid)) chownSync(where, m.uid, m.gid);
    chmodSync(where, m.mode);
    utimesSync(where, timeArg(m.mtime), timeArg(m.mtime));
  }

  /** Make the parents of `path` exist and clear the way for a new entry there. Returns true when
   * `path` is an existing directory that a new directory entry merges into. */
  private prepare(path: BytePath, type: EntryType, mtime: number): boolean {
    if (path === ROOT) throw new Refused('would change the type of the layer root');
    this.ensureParents(path, mtime);
    const old = this.entries.get(path);
    if (old === undefined) {
      const parent = parentOf(path);
      this.childCount.set(parent, (this.childCount.get(parent) ?? 0) + 1);
      return false;
    }
    // A later entry for the same path replaces the earlier one, as tar does.
    if (old.type === 'dir') {
      if (type === 'dir') return true;
      if ((this.childCount.get(path) ?? 0) > 0) throw new Refused('replaces a non-empty directory');
      rmdirSync(this.abs(path));
      this.dirs.delete(path);
      this.dirMeta.delete(path);
    } else if (old.type === 'file') {
      this.removeFile(path, old);
    } else if (old.type === 'symlink') {
      // unlink() removes the link itself; nothing is ever written through it.
      unlinkSync(this.abs(path));
    }
    this.entries.delete(path);
    return false;
  }

  /** Create the missing parent directories of `path`; refuse it when one is not a directory. */
  private ensureParents(path: BytePath, mtime: number): void {
    const parent = parentOf(path);
    if (this.dirs.has(parent)) return;
    let cur = ROOT;
    for (const part of parent.slice(1).split('/')) {
      cur = joinPath(cur, part);
      if (this.dirs.has(cur)) continue;
      const e = this.entries.get(cur);
      // Writing below a symlink would let the kernel follow it: onto the host (an absolute
      // target) or out of the layer ("../.."). Refusing every entry below one — whatever the
      // target — means no path this unpacker opens ever runs through a link. Below a file or a
      // device there is nothing to write into.
      if (e?.type === 'symlink') throw new Refused(`its parent "${displayPath(cur)}" is a symlink`);
      if (e !== undefined) throw new Refused(`its parent "${displayPath(cur)}" is not a directory`);
      mkdirSync(this.abs(cur), 0o700);
      this.dirs.add(cur);
      const up = parentOf(cur);
      this.childCount.set(up, (this.childCount.get(up) ?? 0) + 1);
      // An implied directory gets the mtime of the entry that implied it: deterministic, and
      // no older than what it holds.
      this.entries.set(cur, { path: cur, type: 'dir', mode: IMPLIED_DIR_MODE, uid: 0, gid: 0, size: 0, mtime });
      this.dirMeta.set(cur, { mode: IMPLIED_DIR_MODE, uid: 0, gid: 0, mtime });
    }
  }

  /** Remove a regular file that a later entry replaces, keeping hard-link groups and the bytes the
   * tar-split still needs. */
  private removeFile(path: BytePath, old: MutableEntry): void {
    if (old.hardlinkOf !== undefined) {
      const group = this.linksTo.get(old.hardlinkOf);
      const at = group ? group.indexOf(path) : -1;
      if (at >= 0) group!.splice(at, 1);
    }
    const links = this.linksTo.get(path);
    if (links && links.length > 0) {
      // The inode lives on in its links: the first of them heads the group now.
      this.linksTo.delete(path);
      const [head, ...rest] = links as [BytePath, ...BytePath[]];
      delete this.entries.get(head)!.hardlinkOf;
      for (const l of rest) this.entries.get(l)!.hardlinkOf = head;
      if (rest.length > 0) this.linksTo.set(head, rest);
    }
    const keepAs = this.split.replaced(path);
    if (keepAs === undefined) {
      unlinkSync(this.abs(path));
      return;
    }
    const dir = join(this.layerDir, REPLACED_DIR);
    if (!this.replacedDirMade) {
      mkdirSync(dir, { mode: 0o700 });
      this.replacedDirMade = true;
    }
    renameSync(this.abs(path), join(dir, keepAs));
  }
}

/** Which of the bits 0o777 a file created in `dir` keeps (the umask, or a default ACL's mask):
 * asked once of the file system rather than computed, so nothing about it is assumed. */
function probeCreateMask(dir: Buffer): number {
  const probe = Buffer.concat([dir, Buffer.from('/.strata-mode-probe')]);
  const fd = openSync(probe, CREATE_FILE, 0o777);
  try {
    return fstatSync(fd).mode & 0o777;
  } finally {
    closeSync(fd);
    unlinkSync(probe);
  }
}

function withXattrs(e: MutableEntry, h: TarHeader): MutableEntry {
  if (h.xattrs && h.xattrs.size > 0) {
    // Recorded, not applied: Node.js has no setxattr; the runtime applies them (e.g.
    // security.capability) where it matters.
    const x: Record<string, string> = {};
    for (const [name, value] of h.xattrs) x[name] = value.toString('base64');
    e.xattrs = x;
  }
  return e;
}

/** Node turns a negative number into "now"; a Date keeps times before 1970 (to the millisecond). */
function timeArg(mtime: number): number | Date {
  return mtime >= 0 ? mtime : new Date(mtime * 1000);
}
