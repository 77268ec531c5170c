// Cgroups kept for reuse by a process that runs many containers one after another (`batch`).
// Making a cgroup is cheap, but removing one is not: its last process is still being torn down
// when the run ends, and rmdir is refused (EBUSY) until it is, so `run` waits milliseconds for it.
// A pool takes that wait out of every job: an idle cgroup with the same limits is renamed to the
// next container's name (cgroupName: the records and the sweep of stale cgroups see it as that
// container's), and back to an idle name of this process when the run ends. Only at the end, or
// when more are idle than the batch can use, is one removed. A pool left by a killed strata is
// named after it, so the next command's sweep removes it (detect.ts, sweepStaleCgroups).

import { ownIdentity } from '../../store/process-identity.js';
import type { Limits } from '../sandbox/limits.js';
import { cgroupName, type Cgroup, type Cgroups } from './detect.js';

export class CgroupPool {
  private readonly idle = new Map<string, Cgroup[]>();
  private idleCount = 0;
  private serial = 0;

  /** `keep`: at most this many idle cgroups are kept (the batch's job slots). */
  constructor(readonly cgroups: Cgroups, private readonly keep: number) {}

  /** A cgroup with `limits`, named for container `id`. */
  take(id: string, limits: Limits): Cgroup {
    const name = cgroupName(ownIdentity(), id);
    const spare = this.idle.get(limitsKey(limits))?.pop();
    if (spare === undefined) return this.cgroups.create(name, limits);
    this.idleCount--;
    return this.cgroups.rename(spare, name);
  }

  /** A cgroup whose run has ended, kept for the next with the same limits. */
  give(cgroup: Cgroup, limits: Limits): void {
    if (this.idleCount >= this.keep) return this.cgroups.destroy(cgroup);
    let idle: Cgroup;
    try {
      idle = this.cgroups.rename(cgroup, cgroupName(ownIdentity(), `idle${this.serial++}`));
    } catch {
      return this.cgroups.destroy(cgroup);
    }
    const key = limitsKey(limits);
    this.idle.set(key, [...(this.idle.get(key) ?? []), idle]);
    this.idleCount++;
  }

  /** Remove every idle cgroup. */
  close(): void {
    for (const list of this.idle.values()) for (const c of list.splice(0)) this.cgroups.destroy(c);
    this.idleCount = 0;
  }
}

function limitsKey(l: Limits): string {
  return `${l.memory ?? ''}/${l.pids}/${l.cpus ?? ''}`;
}
