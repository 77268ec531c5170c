// Limits through cgroups, v1 and v2 behind one interface. A container's cgroup is named
// "<pid>.<start>.<container id>" after the strata process that runs it (process-identity.ts), so
// the next strata command can tell a stale one (its process is dead) from a live one, kill what is
// left in it and remove it. The cgroup file system's root is injectable: v2 cannot run on this
// machine (its unified hierarchy has no controllers), so its code is tested against a directory
// shaped like cgroupfs.

import { join } from 'node:path';
import { isAlive } from '../../store/process-identity.js';
import { hostCgroupFs, type CgroupFs, type Cgroups } from './cgroup-fs.js';
import { CgroupV1 } from './v1.js';
import { CgroupV2 } from './v2.js';

export type { Cgroup, CgroupFs, Cgroups } from './cgroup-fs.js';

export interface CgroupOptions {
  /** The cgroup file system's mount point (default /sys/fs/cgroup). */
  readonly root?: string;
  /** The contents of /proc/self/cgroup (where this process sits). */
  readonly self?: string;
  readonly fs?: CgroupFs;
}

/** v2 when the unified hierarchy at the root has controllers; v1 when memory and pids are
 * mounted per controller; otherwise none (limits fall back to rlimits). */
export function detectCgroups(options: CgroupOptions = {}): Cgroups | undefined {
  const root = options.root ?? '/sys/fs/cgroup';
  const fs = options.fs ?? hostCgroupFs;
  const self = options.self ?? fs.read('/proc/self/cgroup') ?? '';
  const controllers = fs.read(join(root, 'cgroup.controllers'));
  if (controllers !== undefined && /\b(memory|pids)\b/.test(controllers)) return new CgroupV2(root, fs);
  if (fs.exists(join(root, 'memory')) && fs.exists(join(root, 'pids'))) return new CgroupV1(root, self, fs);
  return undefined;
}

/** "<pid>.<start>.<container id>" */
export function cgroupName(owner: string, containerId: string): string {
  return `${owner}.${containerId}`;
}

/** Remove the cgroups whose strata process is dead (it was killed before it could clean up). */
export function sweepStaleCgroups(cgroups: Cgroups, fs: CgroupFs = hostCgroupFs): number {
  const stale = new Map<string, string[]>();
  // v1 has a hierarchy per controller: each owner is looked up in /proc once, not once in each.
  const alive = new Map<string, boolean>();
  const ownerAlive = (owner: string) => alive.get(owner) ?? alive.set(owner, isAlive(owner)).get(owner)!;
  for (const parent of cgroups.parents()) {
    for (const name of fs.list(parent)) {
      const owner = name.split('.').slice(0, 2).join('.');
      if (!/^\d+\.\d+\.[0-9a-z]+$/.test(name) || ownerAlive(owner)) continue;
      stale.set(name, [...(stale.get(name) ?? []), join(parent, name)]);
    }
  }
  for (const dirs of stale.values()) {
    try {
      cgroups.destroy({ dirs, procsFiles: [] });
    } catch {
      // Busy still; the next command tries again.
    }
  }
  return stale.size;
}
