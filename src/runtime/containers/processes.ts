// The processes of a running container (`docker top`): every process of its cgroup (the pids
// hierarchy's, or v2's one), or without a cgroup of its own the descendants of its init; each
// read from /proc as the host sees it. A process that exits while it is read is left out.

import { readFileSync, readdirSync } from 'node:fs';
import { StrataError } from '../../base/errors.js';
import type { ContainerRecord } from './records.js';
import { containerCgroupDirs, sandboxProcess } from './sandbox-process.js';

export interface ContainerProcess {
  /** As the host numbers it. */
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  /** R, S, D, Z, T… */
  readonly state: string;
  /** User and system CPU time, in seconds. */
  readonly cpuSeconds: number;
  /** Resident memory, in bytes. */
  readonly rssBytes: number;
  /** Its arguments joined with spaces, or its name in brackets when it has none (a kernel
   * thread's form, as ps shows it). */
  readonly command: string;
}

/** Linux's USER_HZ, the unit of /proc/PID/stat's times: 100 on every architecture strata runs on. */
const TICKS_PER_SECOND = 100;

/** The container's processes, by pid; "is not running" when it is not. */
export function containerProcesses(rec: ContainerRecord): ContainerProcess[] {
  const init = sandboxProcess(rec);
  const cgroup = rec.cgroup === undefined ? undefined : containerCgroupDirs(init.pid, rec.cgroup).find((d) => d.controllers.length === 0 || d.controllers.includes('pids'));
  const pids = cgroup ? readPids(`${cgroup.dir}/cgroup.procs`) : descendants(init.pid);
  const out = pids.map(processOf).filter((p): p is ContainerProcess => p !== undefined);
  if (out.length === 0) throw new StrataError(`container ${rec.name} is not running`);
  return out.sort((a, b) => a.pid - b.pid);
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function descendants(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length && out.length < 100_000; i++) {
    for (const task of readDir(`/proc/${out[i]}/task`)) {
      try {
        out.push(...readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
      } catch {
        // Exited meanwhile.
      }
    }
  }
  return out;
}

function readDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function processOf(pid: number): ContainerProcess | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields from 3 (state) on follow the name, which is in parentheses and may hold anything.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    const args = readFileSync(`/proc/${pid}/cmdline`).toString('utf8').replace(/\0+$/, '').split('\0');
    return {
      pid, ppid: Number(f[1]), uid, state: f[0]!,
      cpuSeconds: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND,
      rssBytes: Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024,
      command: args.join(' ') || `[${name}]`,
    };
  } catch {
    return undefined;
  }
}
