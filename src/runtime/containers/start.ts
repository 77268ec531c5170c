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
import { containerDir, deleteContainer, readContainer, updateContainer, type ContainerRecord } from './records.js';
import { openDriver } from '../drivers/driver.js';
import { helperNodeMaker, runHelper, type HelperOutput } from '../helper/process.js';
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
  /** With --rm, called with the exited record just before the container is removed. */
  readonly beforeRemoval?: (rec: ContainerRecord) => void;
}

/** Run the container's command to its end; resolves to its exit status. With --rm the container
 * goes afterwards — also when it could not be started (a full disk, a cgroup refused): a
 * container the user asked not to keep is never left behind in "Created". */
export async function startContainer(store: Store, id: string, options: StartOptions): Promise<number> {
  const rec = readContainer(store, id);
  const spec = loadRunSpec(containerDir(store, id));
  let status: number;
  try {
    status = await runToExit(store, rec, spec, options);
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
  return status;
}

/** The run itself: its cgroup, the helper until it exits, the exit recorded. */
async function runToExit(store: Store, rec: ContainerRecord, spec: RunSpec, options: StartOptions): Promise<number> {
  const id = rec.id;
  const dir = containerDir(store, id);
  const iv = options.image ?? openImageView(store, readImage(store, rec.image));
  const driver = await openDriver(rec.driver, { store, makeNodes: helperNodeMaker(store) });
  const root = process.getuid?.() === 0;
  const cgroups = root ? detectCgroups() : undefined;
  const name = cgroupName(ownIdentity(), id);
  const subIds = root ? undefined : subordinateIds();

  let cgroup: Cgroup | undefined;
  let status: number;
  let oom = false;
  try {
    const rlimits = [];
    if (cgroups) cgroup = cgroups.create(name, spec.limits);
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
    status = await runHelper(store, ops, {
      stdin: options.stdin,
      tty: spec.tty,
      ...(options.output ? { output: options.output } : {}),
      ...(subIds ? { onSync: (pid: number) => mapSubordinateIds(subIds, pid) } : {}),
      onStart: (pid) => updateContainer(store, id, {
        state: 'running', started, pid, owner: ownIdentity(), exitCode: null, oomKilled: false, ...(cgroup ? { cgroup: name } : {}),
      }),
    });
    if (cgroup) oom = cgroups!.oomKilled(cgroup);
  } finally {
    if (cgroup) cgroups!.destroy(cgroup);
  }
  if (oom && status === 137) {
    const line = `strata: killed: out of memory (limit ${formatBytes(spec.limits.memory ?? 0)})\n`;
    if (options.output) options.output.writeError(line);
    else process.stderr.write(line);
  }
  updateContainer(store, id, { state: 'exited', exitCode: status, finished: isoTime(), oomKilled: oom });
  return status;
}
