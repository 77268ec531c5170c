// `strata cp CTR:PATH HOSTPATH` (or `-`: a tar on stdout). The source is resolved by the resolver
// in the container's view — image layers plus its writable layer — with every symlink followed
// INSIDE its root: a link to /etc/shadow gives the container's /etc/shadow, never the host's.
// Inside a copied directory, links are copied as links (data, as tar does). Bytes come from an
// image layer, or from the container's own storage walked through containers/beneath.ts.
//
// On the host: what is written is the container's, so it is written as such — under the
// destination's own directory one name at a time (a link already there is replaced, not
// followed), owned by the caller (Docker's rule), without setuid/setgid bits (a container must not
// hand the host a setuid-root file), and device nodes, fifos and sockets are skipped (a container
// must not hand the host a /dev/mem either). A file copied to a host path that names a file (or
// nothing) is written by archive/output-file.ts's rule, as `save -o` is: a device or FIFO there
// is written into, a symbolic link followed, a regular file replaced once the copy is complete.

import { closeSync, constants, fchmodSync, futimesSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { openOutputFile, outputFailure } from '../../archive/output-file.js';
import { bytesOfUserString, displayPath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { IndexEntry } from '../../base/layer-index.js';
import { resolvePath } from '../../resolver/symlinks.js';
import type { ResolvedEntry } from '../../resolver/types.js';
import type { Store } from '../../store/store.js';
import { TarWriter } from '../../tar/writer.js';
import { lstatAt, lutimesAt, mkdirAt, openBase, openDirAt, openFileAt, removeAt, symlinkAt } from '../containers/beneath.js';
import { readContent, type FilesView } from '../containers/view.js';

/** Where copied entries go: a host directory, or a tar stream. */
interface OutSink {
  file(name: string, e: IndexEntry, content: (write: (chunk: Buffer) => void) => void): void;
  symlink(name: string, e: IndexEntry): void;
  /** Make the directory, fill it through `fill`, then give it its metadata. */
  dir(name: string, e: IndexEntry, fill: (inside: OutSink) => void): void;
}

export interface CopyOutIo {
  /** A skipped entry (device node, fifo, socket): one line for stderr. */
  readonly warn: (line: string) => void;
  /** The tar stream for `-`. */
  readonly stdout: (chunk: Buffer) => void;
}

export async function copyOut(store: Store, cv: FilesView, unsafePath: string, dest: string, io: CopyOutIo): Promise<void> {
  const src = resolveSource(cv, unsafePath);
  const name = sourceName(unsafePath, src);
  if (dest === '-') {
    const tar = new TarWriter(io.stdout);
    walk(store, cv, src, name, tarSink(tar, ''), io.warn);
    tar.finish();
    return;
  }
  const st = statOrUndefined(dest);
  // `target` is a byte string: the source's own name, or the host name given, encoded once.
  let parent: string;
  let target: string;
  if (st?.isDirectory() && name !== '.') {
    [parent, target] = [dest, name];
  } else if (st?.isDirectory()) {
    // The root (or a path ending in "..") into a directory: its contents, merged.
    [parent, target] = [dirname(resolve(dest)), bytesOfUserString(basename(resolve(dest)))];
  } else {
    if (st !== undefined && src.entry.type === 'dir') throw new StrataError(`cannot copy directory ${displayPath(src.path)} onto file ${dest}`);
    if (st === undefined && dest.endsWith('/')) throw new StrataError(`${dest}: no such directory`);
    if (src.entry.type === 'file') return copyFileOut(store, cv, src, dest);
    [parent, target] = [dirname(resolve(dest)), basename(resolve(dest))];
  }
  const fd = openHostDir(parent);
  try {
    walk(store, cv, src, target, hostSink(fd), io.warn);
  } finally {
    closeSync(fd);
  }
}

/** One file to a host path that is not a directory: its bytes, and for a file made anew the
 * entry's permissions (no setuid/setgid) and mtime. */
async function copyFileOut(store: Store, cv: FilesView, src: ResolvedEntry, dest: string): Promise<void> {
  const out = await openOutputFile(dest);
  try {
    const fd = out.fd;
    readContent(store, cv, src, fd === undefined ? (chunk) => out.stream().write(chunk) : (chunk) => writeAll(fd, chunk));
    if (out.replaces) {
      fchmodSync(fd!, src.entry.mode & 0o777);
      futimesSync(fd!, src.entry.mtime, src.entry.mtime);
    }
    await out.commit();
  } catch (err) {
    out.abort();
    throw err instanceof StrataError ? err : outputFailure(dest, err);
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
}

function resolveSource(cv: FilesView, unsafePath: string): ResolvedEntry {
  const r = resolvePath(cv.tree, unsafePath);
  if (r.entry === undefined) throw new StrataError(`${displayPath(unsafePath)}: no such file or directory in container ${cv.rec.name}`);
  return r.entry;
}

/** The name the copy gets: the last name of the path as given (not of a link's target). */
function sourceName(unsafePath: string, src: ResolvedEntry): string {
  const given = unsafePath.split('/').filter((n) => n !== '' && n !== '.' && n !== '..').pop();
  return given ?? (src.path.slice(src.path.lastIndexOf('/') + 1) || '.');
}

function walk(store: Store, cv: FilesView, r: ResolvedEntry, name: string, sink: OutSink, warn: (line: string) => void): void {
  const e = r.entry;
  switch (e.type) {
    case 'file':
      return sink.file(name, e, (write) => readContent(store, cv, r, write));
    case 'symlink':
      return sink.symlink(name, e);
    case 'dir':
      return sink.dir(name, e, (inside) => {
        for (const child of cv.tree.readdir(r.path)) walk(store, cv, child, child.path.slice(child.path.lastIndexOf('/') + 1), inside, warn);
      });
    default:
      warn(`strata: cp: skipped ${displayPath(r.path)}: a ${e.type === 'fifo' ? 'fifo' : 'device node'} is not copied out of a container`);
  }
}

function hostSink(dirFd: number): OutSink {
  /** Whatever is at NAME goes, unless it is a directory we may merge into. */
  const clear = (name: string, keepDir: boolean): boolean => {
    const st = lstatAt(dirFd, name);
    if (st === undefined) return false;
    if (st.isDirectory()) {
      if (keepDir) return true;
      throw new StrataError(`cannot overwrite directory ${displayPath(name)} with a non-directory`);
    }
    removeAt(dirFd, name);
    return false;
  };
  return {
    file(name, e, content) {
      clear(name, false);
      const fd = openFileAt(dirFd, name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        content((chunk) => writeAll(fd, chunk));
        fchmodSync(fd, e.mode & 0o777);
        futimesSync(fd, e.mtime, e.mtime);
      } finally {
        closeSync(fd);
      }
    },
    symlink(name, e) {
      clear(name, false);
      symlinkAt(dirFd, name, e.linkTarget ?? '');
      lutimesAt(dirFd, name, e.mtime);
    },
    dir(name, e, fill) {
      if (!clear(name, true)) mkdirAt(dirFd, name, 0o700);
      const fd = openDirAt(dirFd, name);
      try {
        fill(hostSink(fd));
        fchmodSync(fd, e.mode & 0o1777);
        futimesSync(fd, e.mtime, e.mtime);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function tarSink(tar: TarWriter, prefix: string): OutSink {
  const common = (e: IndexEntry) => ({ mode: e.mode & 0o1777, uid: e.uid, gid: e.gid, mtime: e.mtime });
  return {
    file(name, e, content) {
      // The size must be known before the bytes: read them first (cp of one big file to a
      // pipe holds it in memory; Docker's daemon does the same through its archive buffer).
      const chunks: Buffer[] = [];
      content((c) => chunks.push(c));
      tar.add({ name: prefix + name, type: 'file', ...common(e) }, Buffer.concat(chunks));
    },
    symlink(name, e) {
      tar.add({ name: prefix + name, type: 'symlink', ...common(e), linkName: e.linkTarget ?? '' });
    },
    dir(name, e, fill) {
      tar.add({ name: `${prefix}${name}/`, type: 'dir', ...common(e) });
      fill(tarSink(tar, `${prefix}${name}/`));
    },
  };
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function openHostDir(path: string): number {
  try {
    return openBase(path);
  } catch (err) {
    throw new StrataError(`cannot write into ${path}`, { cause: err });
  }
}
