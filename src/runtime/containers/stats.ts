// What running containers use, as `docker stats` shows it: CPU as a share of one core since the
// last sample, memory (without the page cache the kernel can drop) against its limit, pids
// against theirs. Read from each container's own cgroup, found once per run of the container
// from its init's /proc/PID/cgroup (sandbox-process.ts: pids are checked, a reused one is never
// taken for the container's); a container without a cgroup of its own (rootless, no cgroups)
// has no figures. A sampler keeps the previous sample of each container: the CPU share is the
// CPU time used between two samples over the time between them.

import { StrataError } from '../../base/errors.js';
import { hostCgroupFs, type CgroupFs } from '../cgroups/cgroup-fs.js';
import { readCgroupUsage, type CgroupDir, type CgroupUsage } from '../cgroups/usage.js';
import type { ContainerRecord } from './records.js';
import { containerCgroupDirs, sandboxProcess } from './sandbox-process.js';

export interface ContainerStats {
  /** Percent of one core since the previous sample; undefined at the first. */
  readonly cpuPercent: number | undefined;
  readonly memoryBytes: number | undefined;
  readonly memoryLimit: number | undefined;
  readonly pids: number | undefined;
  readonly pidsLimit: number | undefined;
}

interface Seen {
  /** The run it belongs to ("<owner> <pid>"): a restarted container's cgroup is a new one. */
  readonly run: string;
  readonly dirs: readonly CgroupDir[];
  cpuNs: number | undefined;
  at: number;
}

export interface StatsSamplerOptions {
  readonly fs?: CgroupFs;
  /** Where a container's cgroup directories are (tests give a fixture tree). */
  readonly locate?: (rec: ContainerRecord) => readonly CgroupDir[];
  readonly clock?: () => number;
}

export class StatsSampler {
  private readonly seen = new Map<string, Seen>();
  private readonly fs: CgroupFs;
  private readonly locate: (rec: ContainerRecord) => readonly CgroupDir[];
  private readonly clock: () => number;

  constructor(options: StatsSamplerOptions = {}) {
    this.fs = options.fs ?? hostCgroupFs;
    this.locate = options.locate ?? locateCgroup;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** One sample of each running container; undefined for one that is not running (any more)
   * or has no cgroup of its own. Containers not asked about are forgotten. */
  sample(recs: readonly ContainerRecord[]): Map<string, ContainerStats | undefined> {
    const out = new Map<string, ContainerStats | undefined>();
    for (const rec of recs) out.set(rec.id, this.one(rec));
    for (const id of this.seen.keys()) if (!out.has(id)) this.seen.delete(id);
    return out;
  }

  private one(rec: ContainerRecord): ContainerStats | undefined {
    if (rec.state !== 'running' || rec.cgroup === undefined) return undefined;
    const run = `${rec.owner} ${rec.pid}`;
    let seen = this.seen.get(rec.id);
    if (seen === undefined || seen.run !== run) {
      const dirs = this.locate(rec);
      if (dirs.length === 0) return undefined;
      seen = { run, dirs, cpuNs: undefined, at: 0 };
      this.seen.set(rec.id, seen);
    }
    const usage: CgroupUsage = readCgroupUsage(this.fs, seen.dirs);
    // A cgroup whose files are gone was removed: the container has just stopped.
    if (usage.pids === undefined && usage.memoryBytes === undefined && usage.cpuNs === undefined) {
      this.seen.delete(rec.id);
      return undefined;
    }
    const at = this.clock();
    const cpuPercent = seen.cpuNs !== undefined && usage.cpuNs !== undefined && at > seen.at
      ? Math.max(0, ((usage.cpuNs - seen.cpuNs) / 1e6 / (at - seen.at)) * 100)
      : undefined;
    seen.cpuNs = usage.cpuNs;
    seen.at = at;
    return { cpuPercent, memoryBytes: usage.memoryBytes, memoryLimit: usage.memoryLimit, pids: usage.pids, pidsLimit: usage.pidsLimit };
  }
}

/** The container's cgroup directories, from its init's /proc/PID/cgroup; none when it has just
 * stopped. */
function locateCgroup(rec: ContainerRecord): CgroupDir[] {
  try {
    return containerCgroupDirs(sandboxProcess(rec).pid, rec.cgroup!);
  } catch (err) {
    if (err instanceof StrataError) return [];
    throw err;
  }
}
