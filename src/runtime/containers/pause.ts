// Pausing a running container while `commit` reads its writable layer, as `docker commit` does
// by default: its processes are frozen through the cgroup freezer (v1 freezer.state, v2
// cgroup.freeze), so the layer is read as one moment left it, not half-way through the
// container's writes; then thawed — also when the reading fails, and when strata is interrupted
// (SIGINT, SIGTERM, SIGHUP) meanwhile. A container without a cgroup of its own cannot be paused:
// rootless (v1 delegates no cgroup to a user), a host without cgroups or without the freezer, a
// container started before strata put containers in the freezer. It is read as it runs: every
// file as it was at some moment of the reading, never anything outside the container
// (changes/commit-tar.ts).

import { dirname } from 'node:path';
import { StrataError } from '../../base/errors.js';
import { detectCgroups, type Cgroup, type Cgroups } from '../cgroups/detect.js';
import { effectiveRecord, type ContainerRecord } from './records.js';
import { containerCgroupProcs, sandboxProcess } from './sandbox-process.js';

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs `work` with the container's processes frozen, when it runs and has a freezer. */
export async function whilePaused<T>(rec: ContainerRecord, work: () => Promise<T>, cgroups: Cgroups | undefined = detectCgroups()): Promise<T> {
  const cgroup = cgroups && runningCgroup(rec);
  if (cgroups === undefined || cgroup === undefined) return work();
  const thaw = () => cgroups.thaw(cgroup);
  // Killed by a signal, strata would leave the container frozen: thaw it, then die of the signal.
  // Listening from before the freeze: a signal that comes while it settles is handled too.
  const interrupted = (signal: NodeJS.Signals) => {
    for (const s of INTERRUPTS) process.off(s, interrupted);
    thaw();
    process.kill(process.pid, signal);
  };
  for (const s of INTERRUPTS) process.on(s, interrupted);
  try {
    try {
      cgroups.freeze(cgroup);   // false (no freezer): read it running
    } catch (err) {
      throw new StrataError(`cannot pause container ${rec.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return await work();
  } finally {
    thaw();
    // The reading can keep the thread busy from start to end (its streams resolve without a turn
    // of the event loop), so a signal that came meanwhile is still waiting there: let it reach
    // `interrupted` before the listeners go, and strata dies of it as it should.
    await afterNextPoll();
    for (const s of INTERRUPTS) process.off(s, interrupted);
  }
}

/** Resolves once the event loop has polled for events again (signals included): an immediate
 * queued from an immediate runs in the next loop iteration, after its poll phase. */
function afterNextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** The cgroup of a running container, found from its init's /proc/PID/cgroup. */
function runningCgroup(rec: ContainerRecord): Cgroup | undefined {
  if (rec.cgroup === undefined || effectiveRecord(rec).state !== 'running') return undefined;
  let init: { pid: number };
  try {
    init = sandboxProcess(rec);
  } catch (err) {
    if (err instanceof StrataError) return undefined;   // it has just stopped: nothing to pause
    throw err;
  }
  const dirs = containerCgroupProcs(init.pid, rec.cgroup).map((procs) => dirname(procs));
  return dirs.length > 0 ? { dirs, procsFiles: [] } : undefined;
}
