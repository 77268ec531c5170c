// Pausing a running container while `commit` reads its writable layer, as `docker commit` does
// by default: its processes are frozen through the cgroup freezer (v1 freezer.state, v2
// cgroup.freeze), so the layer is read as one moment left it, not half-way through the
// container's writes; then thawed — also when the reading fails, and when strata is interrupted
// (SIGINT, SIGTERM, SIGHUP) meanwhile. A container without a cgroup of its own cannot be paused:
// rootless (v1 delegates no cgroup to a user), a host without cgroups or without the freezer, a
// container started before strata put containers in the freezer. It is read as it runs: every
// file as it was at some moment of the reading, never anything outside the container
// (commit-tar.ts).
//
// A freeze has holders (pause-holders.ts): each strata process that froze the container is named
// in its directory, from before the freeze until after the thaw, and the last one to let go thaws
// it. A holder killed with SIGKILL cannot let go; a frozen container takes no signal and hangs
// every `exec` joining it, so the next command that touches the container (`ps` among them)
// thaws it once no holder is alive — never while one is.

import { dirname } from 'node:path';
import { StrataError } from '../../base/errors.js';
import { undoneOnInterrupt } from '../../base/interrupts.js';
import type { Store } from '../../store/store.js';
import { detectCgroups, type Cgroup, type Cgroups } from '../cgroups/detect.js';
import { effectiveRecord, type ContainerRecord } from './records.js';
import { addHolder, dropDeadHolders, hasDeadHolder, hasLiveHolder, removeHolder, underPauseLock } from './pause-holders.js';
import { containerCgroupProcs, sandboxProcess } from './sandbox-process.js';

/** Runs `work` with the container's processes frozen, when it runs and has a freezer. */
export async function whilePaused<T>(store: Store, rec: ContainerRecord, work: () => Promise<T>, cgroups: Cgroups | undefined = detectCgroups()): Promise<T> {
  const cgroup = cgroups && runningCgroup(rec);
  if (cgroups === undefined || cgroup === undefined) return work();
  let holder: string | undefined;
  const letGo = async () => {
    const mine = holder;
    holder = undefined;
    if (mine === undefined) return;
    await underPauseLock(store, rec, () => {
      removeHolder(store, rec, mine);
      if (!hasLiveHolder(store, rec)) cgroups.thaw(cgroup);
    });
  };
  // Killed by a signal, strata would leave the container frozen: let go, then die of the signal.
  // Listening from before the freeze: a signal that comes while it settles is handled too.
  return undoneOnInterrupt(letGo, async () => {
    try {
      await underPauseLock(store, rec, () => {
        holder = addHolder(store, rec);
        try {
          cgroups.freeze(cgroup);   // false (no freezer): read it running
        } catch (err) {
          removeHolder(store, rec, holder);
          holder = undefined;
          throw new StrataError(`cannot pause container ${rec.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      });
      return await work();
    } finally {
      await letGo();
    }
  });
}

/** Thaws a running container whose freeze was left by strata processes that died holding it
 * (`commit` killed with SIGKILL); one that a live process holds stays frozen. */
export async function thawAbandonedPause(store: Store, rec: ContainerRecord, cgroups?: Cgroups): Promise<void> {
  // The common case costs one failed readdir: no holder was ever named.
  if (!hasDeadHolder(store, rec)) return;
  const freezer = cgroups ?? detectCgroups();
  await underPauseLock(store, rec, () => {
    dropDeadHolders(store, rec);
    if (hasLiveHolder(store, rec)) return;
    const cgroup = freezer && runningCgroup(rec);
    if (cgroup) freezer!.thaw(cgroup);
  });
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
