// File operations on a host directory tree that a container controls (its upper directory, its
// rootfs, its root as /proc/PID/root shows it), one component at a time, never following a link.
// A path string would be resolved by the kernel from the top at every call, so a container that
// swaps a directory for a symlink between two calls (`ln -s / upper/etc`) could send a write or a
// read onto the host. Node.js has no openat(2); but "/proc/self/fd/N/NAME" is resolved by the
// kernel as NAME inside the directory open as N — the magic link leads to the open directory
// itself, not to a path — so with O_NOFOLLOW it is exactly openat(N, NAME, O_NOFOLLOW), and
// mkdir, symlink, unlink, lstat on it act on NAME inside N. Callers resolve container paths with
// the resolver first (links inside the container's root, as the container sees them); here each
// component must then be what the resolver said — a link found here is a race, and refused.
// (libuv opens every descriptor close-on-exec: none reaches a process strata starts.)

import {
  closeSync, constants, fstatSync, lstatSync, lutimesSync, mkdirSync, openSync, readlinkSync,
  symlinkSync, unlinkSync, type Stats,
} from 'node:fs';
import { ROOT, bufferOf, displayPath, type BytePath } from '../../base/byte-path.js';
import { StrataError, errnoOf } from '../../base/errors.js';

/** The name of the directory open as `dirFd` (plus `name` in it) for the fs calls. */
function at(dirFd: number, name?: string): Buffer {
  const dir = Buffer.from(`/proc/self/fd/${dirFd}`);
  if (name === undefined) return dir;
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new StrataError(`"${displayPath(name)}" is not a file name`);
  }
  return Buffer.concat([dir, Buffer.from('/'), bufferOf(name)]);
}

/** The components of a normalized absolute path ("/" has none). */
export function componentsOf(path: BytePath): string[] {
  return path === ROOT ? [] : path.slice(1).split('/');
}

/** Open a directory the caller trusts (the container's directory in the store): the start. */
export function openBase(path: string): number {
  return openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
}

/** lstat NAME in the directory; undefined when nothing is there. */
export function lstatAt(dirFd: number, name: string): Stats | undefined {
  try {
    return lstatSync(at(dirFd, name));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Open the directory NAME inside `dirFd`; a symlink there fails (ELOOP), as does a non-directory. */
export function openDirAt(dirFd: number, name: string): number {
  return openSync(at(dirFd, name), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
}

/** Open a regular file NAME inside `dirFd` (extra flags: O_WRONLY|O_CREAT|O_EXCL to create one).
 * A link there fails; anything but a regular file is refused. */
export function openFileAt(dirFd: number, name: string, flags: number = constants.O_RDONLY, mode = 0o600): number {
  const fd = openSync(at(dirFd, name), flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new StrataError(`${displayPath(name)}: not a regular file`);
  }
  return fd;
}

/** Walk from `baseFd` down `dirs` (names), each a real directory; returns the last one's
 * descriptor (the caller closes it; `baseFd` itself when `dirs` is empty is duplicated so the
 * caller may always close what it gets). */
export function walkDirs(baseFd: number, dirs: readonly string[]): number {
  let fd = openSync(at(baseFd), constants.O_RDONLY | constants.O_DIRECTORY);
  for (const name of dirs) {
    let next: number;
    try {
      next = openDirAt(fd, name);
    } finally {
      closeSync(fd);
    }
    fd = next;
  }
  return fd;
}

export function readlinkAt(dirFd: number, name: string): string {
  return readlinkSync(at(dirFd, name), { encoding: 'buffer' }).toString('latin1');
}

export function mkdirAt(dirFd: number, name: string, mode: number): void {
  mkdirSync(at(dirFd, name), { mode });
}

export function symlinkAt(dirFd: number, name: string, target: string): void {
  symlinkSync(bufferOf(target), at(dirFd, name));
}

/** Remove NAME, anything but a directory (a link goes itself). */
export function removeAt(dirFd: number, name: string): void {
  unlinkSync(at(dirFd, name));
}

/** Times of NAME itself (a link is not followed). */
export function lutimesAt(dirFd: number, name: string, mtime: number): void {
  lutimesSync(at(dirFd, name), mtime, mtime);
}

/** Open directories along a walk in sorted path order (parents before children): the
 * descriptors of the current directory's ancestors stay open, so each entry costs one open at
 * most. `dirOf(path)` gives the descriptor of the directory holding `path`. */
export class DirCursor {
  private readonly stack: { path: BytePath; fd: number }[] = [];

  constructor(base: string) {
    this.stack.push({ path: ROOT, fd: openBase(base) });
  }

  dirOf(path: BytePath): number {
    const dir = path.slice(0, path.lastIndexOf('/')) || ROOT;
    const within = (d: BytePath) => d === ROOT || dir === d || dir.startsWith(`${d}/`);
    while (!within(this.stack[this.stack.length - 1]!.path)) closeSync(this.stack.pop()!.fd);
    const top = this.stack[this.stack.length - 1]!;
    const rest = dir === top.path ? [] : dir.slice(top.path === ROOT ? 1 : top.path.length + 1).split('/');
    let current = top;
    for (const name of rest) {
      const fd = openDirAt(current.fd, name);
      current = { path: (current.path === ROOT ? `/${name}` : `${current.path}/${name}`) as BytePath, fd };
      this.stack.push(current);
    }
    return current.fd;
  }

  close(): void {
    while (this.stack.length > 0) closeSync(this.stack.pop()!.fd);
  }
}
