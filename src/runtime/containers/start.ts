// Starting a container that exists (made by `run`, or exited and started again): its cgroup, the
// plan for the helper, the helper's run, and what follows its exit — whether the kernel killed for
// memory, the cgroup removed, the exit status recorded, the container removed with --rm.

import { join } from 'node:path';
import { isoTime } from '../../base/time.js';
import { openImageView, type ImageView } from '../../content/image-view.js';
import { readImage } from '../../store/images.js';
import { ownIdentity } from '../../store/process-identity.js';
import type { Store } from '../../store/store.js';
import { cgroupName, detectCgroups, type Cgroup } from '../cgroups/detect.js';
import type { CgroupPool } from '../cgroups/pool.js';
import type { HelperServer } from '../helper/server.js';
import { containerDir, deleteContainer, readContainer, updateContainer, type ContainerRecord } from './records.js';
import { openDriver } from '../drivers/driver.js';
import { helperNodeMaker, runHelper, type HelperCapture, type HelperOutput } from '../helper/process.js';
import { formatBytes } from '../sandbox/limits.js';
import { planOps } from '../sandbox/plan.js';
import { ETC_FILES, loadRunSpec, type RunSpec } from '../sandbox/run-spec.js';
import { mapSubordinateIds, subordinateIds } from '../rootless/subordinate-ids.js';

export interface StartOptions {
  /** Where the command's stdout and stderr go (default: strata's own). */
  readonly output?: HelperOutput;
  /** Pass strata's stdin (the run's -i or -t). */
  readonly stdin: boolean;
  /** The image's view, when the caller has it open already. */
  readonly image?: ImageView;
  /** Output through pipes to these instead (a batch job's); strata's own lines stay out of it. */
  readonly capture?: HelperCapture;
  /** Bytes for the command's stdin (a batch job's). */
  readonly input?: Buffer;
  /** Forward strata's signals to the helper (default true); a batch stops its jobs itself. */
  readonly forwardSignals?: boolean;
  /** Called with the helper's pid once it runs. */
  readonly onStart?: (pid: number) => void;
  /** Cgroups to take the container's from and give it back to (a batch's), instead of making
   * and removing one. */
  readonly cgroupPool?: CgroupPool;
  /** A helper server to start the helper through (a batch's), for a run with `capture`. */
  readonly server?: HelperServer;
  /** With --rm, called with the exited record just before the container is removed. */
  readonly beforeRemoval?: (rec: ContainerRecord) => void;
}

/** How a container's run ended. */
export interface ExitFacts {
  readonly status: number;
  /** The kernel killed it for want of memory (its cgroup says so). */
  readonly oomKilled: boolean;
}

/** Run the container's command to its end; resolves to its exit status. With --rm the container
 * goes afterwards — also when it could not be started (a full disk, a cgroup refused): a
 * container the user asked not to keep is never left behind in "Created". */
export async function startContainer(store: Store, id: string, options: StartOptions): Promise<number> {
  return (await startContainerFacts(store, id, options)).status;
}

/** startContainer, with whether memory ran out. */
export async function startContainerFacts(store: Store, id: string, options: StartOptions): Promise<ExitFacts> {
  const rec = readContainer(store, id);
  const spec = loadRunSpec(containerDir(store, id));
  let facts: ExitFacts;
  try {
    facts = await runToExit(store, rec, spec, options);
  } catch (err) {
    if (spec.rm) {
      await deleteContainer(store, rec).catch(() => {
        // The start's own failure is the one to tell; a container that cannot go now, `rm` removes.
      });
    }
    throw err;
  }
  if (spec.rm) {
    try {
      options.beforeRemoval?.(readContainer(store, id));
    } finally {
      await deleteContainer(store, rec);
    }
  }
  return facts;
}

/** The run itself: its cgroup, the helper until it exits, the exit recorded. */
async function runToExit(store: Store, rec: ContainerRecord, spec: RunSpec, options: StartOptions): Promise<ExitFacts> {
  const id = rec.id;
  const dir = containerDir(store, id);
  const iv = options.image ?? openImageView(store, readImage(store, rec.image));
  const driver = await openDriver(rec.driver, { store, makeNodes: helperNodeMaker(store) });
  const root = process.getuid?.() === 0;
  const pool = options.cgroupPool;
  const cgroups = pool?.cgroups ?? (root ? detectCgroups() : undefined);
  const name = cgroupName(ownIdentity(), id);
  const subIds = root ? undefined : subordinateIds();

  let cgroup: Cgroup | undefined;
  let status: number;
  let oom = false;
  let oomBefore = 0;
  try {
    const rlimits = [];
    if (pool) {
      cgroup = pool.take(id, spec.limits);
      oomBefore = pool.cgroups.oomKills(cgroup);
    } else if (cgroups) cgroup = cgroups.create(name, spec.limits);
    else {
      // No cgroup to use (rootless on v1): rlimits are what is left.
      rlimits.push({ resource: 'nproc', soft: spec.limits.pids, hard: spec.limits.pids });
      if (spec.limits.memory !== undefined) rlimits.push({ resource: 'as', soft: spec.limits.memory, hard: spec.limits.memory });
    }
    const ops = planOps({
      // Rootless: a user namespace where the caller is root: all ids mapped with subordinate
      // ranges (newuidmap at the helper's `sync`), else the caller alone.
      ...(root ? {} : subIds ? { callerMaps: true } : { mapSelf: { uid: 0, gid: 0 } }),
      rootfs: driver.rootfs(dir, iv),
      newRoot: driver.newRoot(dir),
      net: spec.net,
      hostname: spec.hostname,
      readOnly: spec.readOnly,
      tty: spec.tty,
      etcFiles: ETC_FILES.map((f, i) => ({ source: join(dir, f), target: spec.etcTargets[i]!, readOnly: spec.readOnly })),
      volumes: spec.volumes,
      cgroupProcs: cgroup?.procsFiles ?? [],
      rlimits,
      ...(spec.timeout !== undefined ? { timeoutSeconds: spec.timeout } : {}),
      process: spec.process,
    });
    const started = isoTime();
    const onStart = (pid: number) => {
      updateContainer(store, id, {
        state: 'running', started, pid, owner: ownIdentity(), exitCode: null, oomKilled: false, ...(cgroup ? { cgroup: name } : {}),
      });
      options.onStart?.(pid);
    };
    // Through the server when it can: no id mapping to do at a `sync`, no terminal of strata's.
    if (options.server && options.capture && !subIds && !spec.tty) {
      status = await options.server.run(ops, { capture: options.capture, ...(options.input !== undefined ? { input: options.input } : {}), onStart });
    } else {
      status = await runHelper(store, ops, {
        stdin: options.stdin,
        tty: spec.tty,
        ...(options.output ? { output: options.output } : {}),
        ...(options.capture ? { capture: options.capture } : {}),
        ...(options.input !== undefined ? { input: options.input } : {}),
        ...(options.forwardSignals === false ? { forwardSignals: false } : {}),
        ...(subIds ? { onSync: (pid: number) => mapSubordinateIds(subIds, pid) } : {}),
        onStart,
      });
    }
    if (cgroup) oom = cgroups!.oomKills(cgroup) > oomBefore;
  } finally {
    if (cgroup && pool) pool.give(cgroup, spec.limits);
    else if (cgroup) cgroups!.destroy(cgroup);
  }
  if (oom && status === 137 && !options.capture) {
    const line = `strata: killed: out of memory (limit ${formatBytes(spec.limits.memory ?? 0)})\n`;
    if (options.output) options.output.writeError(line);
    else process.stderr.write(line);
  }
  updateContainer(store, id, { state: 'exited', exitCode: status, finished: isoTime(), oomKilled: oom });
  return { status, oomKilled: oom };
}
