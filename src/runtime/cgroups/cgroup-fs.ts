// The cgroup file system as strata uses it: the few file operations (injectable, so a test can
// give a directory shaped like cgroupfs), one container's cgroup, and emptying one before removal.

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoOf } from '../../base/errors.js';
import type { Limits } from '../sandbox/limits.js';

/** File operations on cgroupfs (a test gives ones over a plain directory). */
export interface CgroupFs {
  read(path: string): string | undefined;
  write(path: string, data: string): void;
  mkdir(path: string): void;
  /** rmdir: on cgroupfs a cgroup's directory goes with its interface files in it. */
  rmdir(path: string): void;
  exists(path: string): boolean;
  list(path: string): string[];
  /** rename: cgroupfs renames a cgroup within its parent, processes and limits kept. */
  rename(from: string, to: string): void;
  kill(pid: number): void;
}

export const hostCgroupFs: CgroupFs = {
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  write: (path, data) => writeFileSync(path, data),
  mkdir: (path) => mkdirSync(path, { recursive: true }),
  rmdir: (path) => {
    try {
      rmdirSync(path);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
  },
  exists: (path) => existsSync(path),
  rename: (from, to) => renameSync(from, to),
  list: (path) => {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
  kill: (pid) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  },
};

/** One container's cgroup: a directory per v1 controller, or one v2 directory. */
export interface Cgroup {
  readonly dirs: readonly string[];
  /** The cgroup.procs files the sandbox's first process writes itself into. */
  readonly procsFiles: readonly string[];
}

export interface Cgroups {
  readonly version: 1 | 2;
  /** Make the cgroup and set its limits. */
  create(name: string, limits: Limits): Cgroup;
  /** Did the kernel kill a process of it for want of memory? */
  oomKilled(cgroup: Cgroup): boolean;
  /** How many times it has (a reused cgroup's count grows from run to run). */
  oomKills(cgroup: Cgroup): number;
  /** The same cgroup under another name (each controller's directory renamed in its parent). */
  rename(cgroup: Cgroup, name: string): Cgroup;
  /** Kill whatever is left in it, then remove it. */
  destroy(cgroup: Cgroup): void;
  /** Freeze every process in it (`docker pause`) and wait until they are; false when it has no
   * freezer (v1 without the freezer hierarchy, or a container started before strata joined
   * one). Throws, thawed again, when it cannot freeze within `timeoutMs`. */
  freeze(cgroup: Cgroup, timeoutMs?: number): boolean;
  /** Let its processes run again. */
  thaw(cgroup: Cgroup): void;
  /** The directories that hold this host's strata cgroups (one per controller for v1). */
  parents(): string[];
}

/** renameCgroup for either version: every directory renamed beside itself. */
export function renameCgroup(fs: CgroupFs, cgroup: Cgroup, name: string): Cgroup {
  const dirs = cgroup.dirs.map((d) => join(dirname(d), name));
  cgroup.dirs.forEach((d, i) => {
    if (basename(d) !== name) fs.rename(d, dirs[i]!);
  });
  return { dirs, procsFiles: dirs.map((d) => join(d, 'cgroup.procs')) };
}

/** Polls `done` every millisecond until it holds or `timeoutMs` passes; `retry` runs every 50
 * polls meanwhile. Synchronous: freezing takes milliseconds, and nothing else may run meanwhile. */
export function waitUntil(done: () => boolean, timeoutMs: number, retry: () => void = () => {}): boolean {
  const end = Date.now() + timeoutMs;
  for (let round = 1; ; round++) {
    if (done()) return true;
    if (Date.now() > end) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    if (round % 50 === 0) retry();
  }
}

export const FREEZE_TIMEOUT_MS = 5000;

/** Kill every process in `dir` (looping: a fork bomb forks while we kill), then remove it. */
export function emptyAndRemove(fs: CgroupFs, dir: string): void {
  for (let round = 0; round < 200; round++) {
    const pids = (fs.read(join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean).map(Number);
    if (pids.length === 0) break;
    for (const pid of pids) fs.kill(pid);
    if (round > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }
  // A cgroup whose last process is still exiting refuses rmdir (EBUSY) for a moment.
  for (let round = 0; ; round++) {
    try {
      fs.rmdir(dir);
      return;
    } catch (err) {
      if (errnoOf(err) !== 'EBUSY' || round >= 200) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

