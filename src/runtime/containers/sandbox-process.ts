// The processes of a running container, seen from the host: its helper's monitor (the record's
// pid), the sandbox's init (the monitor's one child, PID 1 inside) and command (PID 2), their
// namespaces and cgroups. `exec` enters them; `cp` into a running container writes through the
// sandbox's root as they see it. Every fact is read from /proc and checked, since pids are
// reused: the monitor must still be the child of the container's owner (the strata process that
// runs it, alive), and the process entered is named by pid and start time (process-identity.ts).

import { readFileSync, readlinkSync } from 'node:fs';
import { StrataError } from '../../base/errors.js';
import { processIdentity } from '../../store/process-identity.js';
import type { CgroupDir } from '../cgroups/usage.js';
import type { SandboxProcess } from '../helper/ops.js';
import { effectiveRecord, type ContainerRecord } from './records.js';
import { inUserNamespace } from '../rootless/subordinate-ids.js';

/** Namespaces a sandbox may have, in the order they are entered (helper/ops.ts `join`). */
const NAMESPACES = ['user', 'mnt', 'pid', 'uts', 'ipc', 'net', 'cgroup'] as const;

/** The process whose namespaces and root `exec` and `cp` enter: the sandbox's init; rootless, its
 * command (PID 2 inside) — the init was cloned into the user namespace without an exec, so its
 * memory still belongs to the host's user namespace, and /proc lets only host root look into it
 * (not root of a user namespace: rootless/mapped-root.ts runs `cp` as that).
 * "Is not running" (Docker's words) when there is none. */
export function sandboxProcess(rec: ContainerRecord): SandboxProcess {
  const init = initOf(rec);
  if (process.getuid?.() === 0 && !inUserNamespace()) return init;
  const command = childrenOf(init.pid).find((pid) => innerPid(pid) === 2);
  const identity = command === undefined ? undefined : processIdentity(command);
  if (identity === undefined) throw new StrataError(`container ${rec.name} is not running`);
  return { pid: command!, startTime: identity.slice(identity.indexOf('.') + 1) };
}

function initOf(rec: ContainerRecord): SandboxProcess {
  const notRunning = () => new StrataError(`container ${rec.name} is not running`);
  // Running, and its owner alive (effectiveRecord).
  const seen = effectiveRecord(rec);
  if (seen.state !== 'running' || seen.pid === undefined || seen.owner === undefined) throw notRunning();
  const monitor = seen.pid;
  // A reused pid: whatever runs there now is not the owner's child, the container's helper.
  if (parentOf(monitor) !== Number(seen.owner.split('.')[0])) throw notRunning();
  const children = childrenOf(monitor);
  const pid = children.length === 1 ? children[0] : undefined;
  const identity = pid === undefined ? undefined : processIdentity(pid);
  if (identity === undefined) throw notRunning();
  return { pid: pid!, startTime: identity.slice(identity.indexOf('.') + 1) };
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The pid a process has in its own (innermost) PID namespace. */
function innerPid(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:'));
    return line === undefined ? undefined : Number(line.trim().split(/\s+/).pop());
  } catch {
    return undefined;
  }
}

/** Field 4 of /proc/PID/stat; undefined when the process is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** The namespaces of `pid` that are not this process's own (what entering it takes); at least
 * its mount and PID namespaces, or it is no sandbox. */
export function foreignNamespaces(pid: number): string[] {
  const out = NAMESPACES.filter((ns) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/${ns}`) !== readlinkSync(`/proc/self/ns/${ns}`);
    } catch (err) {
      throw new StrataError(`cannot see the namespaces of process ${pid}`, { cause: err });
    }
  });
  if (!out.includes('mnt') || !out.includes('pid')) throw new StrataError(`process ${pid} is not in a sandbox of its own`);
  return out;
}

/** The cgroup.procs files of the container's own cgroups (named `name`: cgroups/detect.ts), read
 * from its init's /proc/PID/cgroup. Paths that are not the container's are never returned. */
export function containerCgroupProcs(pid: number, name: string, root = '/sys/fs/cgroup'): string[] {
  return containerCgroupDirs(pid, name, root).map((d) => `${d.dir}/cgroup.procs`);
}

/** The directories of the container's own cgroups, each with its hierarchy's controllers (none
 * for v2's unified one), from /proc/PID/cgroup ("4:memory:/strata/NAME", "1:cpu,cpuacct:/…"). */
export function containerCgroupDirs(pid: number, name: string, root = '/sys/fs/cgroup', proc = '/proc'): CgroupDir[] {
  let text: string;
  try {
    text = readFileSync(`${proc}/${pid}/cgroup`, 'utf8');
  } catch {
    return [];
  }
  const out: CgroupDir[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(\/.*)$/.exec(line);
    if (!m || !m[2]!.endsWith(`/${name}`) || m[2]!.includes('/../')) continue;
    // v1: one hierarchy per controller list ("memory", "cpu,cpuacct"); v2: "0::/path" under the root.
    const controllers = m[1] === '' ? [] : m[1]!.split(',');
    out.push({ controllers, dir: `${m[1] === '' ? root : `${root}/${m[1]}`}${m[2]}` });
  }
  return out;
}
