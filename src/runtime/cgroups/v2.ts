// cgroup v2 (the unified hierarchy). Containers go under <root>/strata/<name>: the controllers are
// enabled for the root's children and for strata/'s (a v2 cgroup gets a controller only when its
// parent's cgroup.subtree_control lists it), memory.max with swap off, pids.max, cpu.max. The
// freezer needs no controller: every cgroup but the root has cgroup.freeze.

import { join } from 'node:path';
import { StrataError } from '../../base/errors.js';
import { FREEZE_TIMEOUT_MS, emptyAndRemove, renameCgroup, waitUntil, type Cgroup, type CgroupFs, type Cgroups } from './cgroup-fs.js';
import type { Limits } from '../sandbox/limits.js';

export const CPU_PERIOD_US = 100_000;

export class CgroupV2 implements Cgroups {
  readonly version = 2 as const;
  private readonly base: string;

  constructor(private readonly root: string, private readonly fs: CgroupFs) {
    this.base = join(root, 'strata');
  }

  parents(): string[] {
    return [this.base];
  }

  create(name: string, limits: Limits): Cgroup {
    this.fs.mkdir(this.base);
    const available = (this.fs.read(join(this.root, 'cgroup.controllers')) ?? '').split(/\s+/);
    const wanted = ['memory', 'pids', 'cpu'].filter((c) => available.includes(c));
    const enable = wanted.map((c) => `+${c}`).join(' ');
    for (const dir of [this.root, this.base]) {
      const enabled = (this.fs.read(join(dir, 'cgroup.subtree_control')) ?? '').split(/\s+/);
      if (!wanted.every((c) => enabled.includes(c))) this.fs.write(join(dir, 'cgroup.subtree_control'), enable);
    }
    const dir = join(this.base, name);
    this.fs.mkdir(dir);
    try {
      if (limits.memory !== undefined && wanted.includes('memory')) {
        this.fs.write(join(dir, 'memory.max'), String(limits.memory));
        if (this.fs.exists(join(dir, 'memory.swap.max'))) this.fs.write(join(dir, 'memory.swap.max'), '0');
      }
      if (wanted.includes('pids')) this.fs.write(join(dir, 'pids.max'), String(limits.pids));
      if (limits.cpus !== undefined && wanted.includes('cpu')) {
        this.fs.write(join(dir, 'cpu.max'), `${Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US))} ${CPU_PERIOD_US}`);
      }
    } catch (err) {
      emptyAndRemove(this.fs, dir);
      throw err;
    }
    return { dirs: [dir], procsFiles: [join(dir, 'cgroup.procs')] };
  }

  oomKilled(cgroup: Cgroup): boolean {
    return this.oomKills(cgroup) > 0;
  }

  oomKills(cgroup: Cgroup): number {
    const events = this.fs.read(join(cgroup.dirs[0]!, 'memory.events')) ?? '';
    return Number(/^oom_kill (\d+)$/m.exec(events)?.[1] ?? 0);
  }

  rename(cgroup: Cgroup, name: string): Cgroup {
    return renameCgroup(this.fs, cgroup, name);
  }

  destroy(cgroup: Cgroup): void {
    for (const dir of cgroup.dirs) {
      // cgroup.kill (Linux 5.14+) kills every process of the cgroup at once, forks included.
      if (this.fs.exists(join(dir, 'cgroup.kill'))) {
        try {
          this.fs.write(join(dir, 'cgroup.kill'), '1');
        } catch {
          // Emptied meanwhile.
        }
      }
      emptyAndRemove(this.fs, dir);
    }
  }

  freeze(cgroup: Cgroup, timeoutMs = FREEZE_TIMEOUT_MS): boolean {
    const dir = cgroup.dirs[0]!;
    if (!this.fs.exists(join(dir, 'cgroup.freeze'))) return false;
    this.fs.write(join(dir, 'cgroup.freeze'), '1');
    // cgroup.events says "frozen 1" once every process has stopped.
    if (!waitUntil(() => /^frozen 1$/m.test(this.fs.read(join(dir, 'cgroup.events')) ?? ''), timeoutMs)) {
      this.fs.write(join(dir, 'cgroup.freeze'), '0');
      throw new StrataError(`cannot freeze the cgroup ${dir}: not frozen after ${timeoutMs} ms`);
    }
    return true;
  }

  thaw(cgroup: Cgroup): void {
    const file = join(cgroup.dirs[0]!, 'cgroup.freeze');
    if (this.fs.exists(file)) this.fs.write(file, '0');
  }
}
