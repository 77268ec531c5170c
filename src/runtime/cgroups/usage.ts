// What a container's cgroup has used so far, read from its interface files: CPU time, memory
// and pids, with their limits. v1 spreads them over the controllers' hierarchies (cpuacct.usage,
// memory.usage_in_bytes, pids.current), v2 keeps them in one directory (cpu.stat, memory.current,
// pids.current). Memory is counted as `docker stats` counts it: without the page cache the kernel
// can drop at once (inactive_file), which a container that read many files would otherwise seem
// to hold.

import { join } from 'node:path';
import type { CgroupFs } from './cgroup-fs.js';

export interface CgroupUsage {
  /** CPU time used since the cgroup was made, in nanoseconds. */
  readonly cpuNs: number | undefined;
  readonly memoryBytes: number | undefined;
  /** undefined: no limit. */
  readonly memoryLimit: number | undefined;
  readonly pids: number | undefined;
  readonly pidsLimit: number | undefined;
}

/** v1 sets "no limit" as the largest multiple of the page size a 64-bit counter holds. */
const V1_UNLIMITED = 2 ** 62;

/** One directory of a cgroup: a v1 hierarchy's (its controllers named), or the v2 one (none). */
export interface CgroupDir {
  readonly controllers: readonly string[];
  readonly dir: string;
}

/** The usage of one cgroup, from its directories (/proc/PID/cgroup names them). */
export function readCgroupUsage(fs: CgroupFs, dirs: readonly CgroupDir[]): CgroupUsage {
  const unified = dirs.find((d) => d.controllers.length === 0);
  return unified ? v2Usage(fs, unified.dir) : v1Usage(fs, dirs);
}

function v1Usage(fs: CgroupFs, dirs: readonly CgroupDir[]): CgroupUsage {
  const file = (controller: string, name: string) => {
    const d = dirs.find((x) => x.controllers.includes(controller));
    return d === undefined ? undefined : fs.read(join(d.dir, name));
  };
  const usage = number(file('memory', 'memory.usage_in_bytes'));
  const memoryStat = file('memory', 'memory.stat');
  // total_: the cgroup and its descendants (a container's processes may make cgroups below it).
  const cache = statField(memoryStat, 'total_inactive_file') ?? statField(memoryStat, 'inactive_file');
  const limit = number(file('memory', 'memory.limit_in_bytes'));
  return {
    cpuNs: number(file('cpuacct', 'cpuacct.usage')),
    memoryBytes: usage === undefined ? undefined : Math.max(0, usage - (cache ?? 0)),
    memoryLimit: limit === undefined || limit >= V1_UNLIMITED ? undefined : limit,
    pids: number(file('pids', 'pids.current')),
    pidsLimit: number(file('pids', 'pids.max')),
  };
}

function v2Usage(fs: CgroupFs, dir: string): CgroupUsage {
  const usec = statField(fs.read(join(dir, 'cpu.stat')), 'usage_usec');
  const current = number(fs.read(join(dir, 'memory.current')));
  const cache = statField(fs.read(join(dir, 'memory.stat')), 'inactive_file');
  return {
    cpuNs: usec === undefined ? undefined : usec * 1000,
    memoryBytes: current === undefined ? undefined : Math.max(0, current - (cache ?? 0)),
    memoryLimit: number(fs.read(join(dir, 'memory.max'))),
    pids: number(fs.read(join(dir, 'pids.current'))),
    pidsLimit: number(fs.read(join(dir, 'pids.max'))),
  };
}

/** A whole number file ("max" and anything else: undefined). */
function number(text: string | undefined): number | undefined {
  const t = text?.trim();
  return t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
}

/** A field of a "key value" per line file (cpu.stat, memory.stat). */
function statField(text: string | undefined, key: string): number | undefined {
  if (text === undefined) return undefined;
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}
