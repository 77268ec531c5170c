// cgroup v1 (this machine: hybrid, one hierarchy per controller under /sys/fs/cgroup/<name>).
// A container's cgroup is made below the cgroup strata itself runs in, in each of memory, pids,
// cpu, cpuacct and freezer: <root>/<controller>/<strata's own path>/strata/<name>, so the
// caller's own limits and accounting still cover its sandboxes. The freezer and cpuacct set no
// limit: the freezer is there so that `commit` can pause the container (freezer.state), cpuacct
// so that its CPU time can be read (cpuacct.usage; v1's cpu controller counts only throttling).
// Where cpu and cpuacct share one hierarchy ("cpu,cpuacct") the cgroup is made there once.

import { join } from 'node:path';
import { StrataError } from '../../base/errors.js';
import { FREEZE_TIMEOUT_MS, emptyAndRemove, renameCgroup, waitUntil, type Cgroup, type CgroupFs, type Cgroups } from './cgroup-fs.js';
import type { Limits } from '../sandbox/limits.js';

const CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'] as const;
type Controller = (typeof CONTROLLERS)[number];

export const CPU_PERIOD_US = 100_000;

export class CgroupV1 implements Cgroups {
  readonly version = 1 as const;
  private readonly bases: ReadonlyMap<Controller, string>;

  constructor(private readonly root: string, self: string, private readonly fs: CgroupFs) {
    const bases = new Map<Controller, string>();
    for (const c of CONTROLLERS) {
      const mount = join(root, c);
      if (!fs.exists(mount) || sharesHierarchy(self, c, [...bases.keys()])) continue;
      bases.set(c, join(mount, ownPath(self, c), 'strata'));
    }
    this.bases = bases;
  }

  parents(): string[] {
    return [...this.bases.values()];
  }

  create(name: string, limits: Limits): Cgroup {
    const dirs = new Map<Controller, string>();
    try {
      for (const [c, base] of this.bases) {
        const dir = join(base, name);
        this.fs.mkdir(dir);
        dirs.set(c, dir);
      }
      const memory = dirs.get('memory');
      if (memory && limits.memory !== undefined) {
        this.fs.write(join(memory, 'memory.limit_in_bytes'), String(limits.memory));
        // Memory plus swap at the same limit: a hog cannot escape into swap.
        if (this.fs.exists(join(memory, 'memory.memsw.limit_in_bytes'))) this.fs.write(join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memory));
        else if (this.fs.exists(join(memory, 'memory.swappiness'))) this.fs.write(join(memory, 'memory.swappiness'), '0');
      }
      const pids = dirs.get('pids');
      if (pids) this.fs.write(join(pids, 'pids.max'), String(limits.pids));
      const cpu = dirs.get('cpu');
      if (cpu && limits.cpus !== undefined) {
        this.fs.write(join(cpu, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
        this.fs.write(join(cpu, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US))));
      }
    } catch (err) {
      for (const dir of dirs.values()) emptyAndRemove(this.fs, dir);
      throw err;
    }
    const list = [...dirs.values()];
    return { dirs: list, procsFiles: list.map((d) => join(d, 'cgroup.procs')) };
  }

  oomKilled(cgroup: Cgroup): boolean {
    return this.oomKills(cgroup) > 0;
  }

  oomKills(cgroup: Cgroup): number {
    const memory = cgroup.dirs.find((d) => d.startsWith(join(this.root, 'memory') + '/'));
    if (!memory) return 0;
    const control = this.fs.read(join(memory, 'memory.oom_control')) ?? '';
    return Number(/^oom_kill (\d+)$/m.exec(control)?.[1] ?? 0);
  }

  rename(cgroup: Cgroup, name: string): Cgroup {
    return renameCgroup(this.fs, cgroup, name);
  }

  destroy(cgroup: Cgroup): void {
    // A frozen task takes no signal, SIGKILL included, until it is thawed (a commit killed while
    // the container was paused leaves it frozen).
    this.thaw(cgroup);
    for (const dir of cgroup.dirs) emptyAndRemove(this.fs, dir);
  }

  freeze(cgroup: Cgroup, timeoutMs = FREEZE_TIMEOUT_MS): boolean {
    const dir = this.freezerDir(cgroup);
    if (dir === undefined) return false;
    const state = join(dir, 'freezer.state');
    this.fs.write(state, 'FROZEN');
    // FREEZING until every task has stopped; a cgroup whose tasks keep forking can stay there,
    // and writing FROZEN again lets the kernel catch the new ones (as runc does).
    const frozen = waitUntil(() => this.fs.read(state)?.trim() === 'FROZEN', timeoutMs, () => this.fs.write(state, 'FROZEN'));
    if (!frozen) {
      this.fs.write(state, 'THAWED');
      throw new StrataError(`cannot freeze the cgroup ${dir}: still freezing after ${timeoutMs} ms`);
    }
    return true;
  }

  thaw(cgroup: Cgroup): void {
    const dir = this.freezerDir(cgroup);
    if (dir !== undefined && this.fs.exists(join(dir, 'freezer.state'))) this.fs.write(join(dir, 'freezer.state'), 'THAWED');
  }

  private freezerDir(cgroup: Cgroup): string | undefined {
    return cgroup.dirs.find((d) => d.startsWith(join(this.root, 'freezer') + '/'));
  }
}

/** Whether `controller` is mounted together with one of `taken` ("4:cpu,cpuacct:/"). */
function sharesHierarchy(self: string, controller: string, taken: readonly string[]): boolean {
  for (const line of self.split('\n')) {
    const names = (line.split(':')[1] ?? '').split(',');
    if (names.includes(controller)) return names.some((n) => n !== controller && taken.includes(n));
  }
  return false;
}

/** This process's path in a v1 hierarchy, from /proc/self/cgroup ("4:memory:/a/b"). */
function ownPath(self: string, controller: string): string {
  for (const line of self.split('\n')) {
    const [, names = '', path = '/'] = line.split(':');
    if (names.split(',').includes(controller)) return path;
  }
  return '/';
}
