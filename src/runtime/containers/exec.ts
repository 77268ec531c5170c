// `strata exec CTR CMD...`: one more process in a running container, as `docker exec` starts one.
// The helper's monitor stays outside; its child enters the sandbox's namespaces (helper/ops.ts
// `join`, after joining the container's cgroups from outside), and from there on runs exactly
// the process steps `run` gives a container's command — working directory, terminal, Docker's
// capabilities, ids, no_new_privs, seccomp — from sandbox/plan.ts's processOps, not written again.
// The environment, user and working directory start from what `run` decided (run.json) and take -e,
// -u and -w on top, users looked up in the container's own /etc/passwd and /etc/group.

import { UsageError } from '../../base/errors.js';
import type { Store } from '../../store/store.js';
import { openContainerView, readContainerText } from './view.js';
import { thawAbandonedPause } from './pause.js';
import { containerDir, findContainer } from './records.js';
import type { Op } from '../helper/ops.js';
import { runHelper } from '../helper/process.js';
import { processOps, type ProcessPlan } from '../sandbox/plan.js';
import { checkCommandName, commandCwd, commandEnv } from '../sandbox/process-spec.js';
import { loadRunSpec } from '../sandbox/run-spec.js';
import { containerCgroupProcs, foreignNamespaces, sandboxProcess } from './sandbox-process.js';
import { checkUserFlag, resolveUser } from '../sandbox/users.js';

export interface ExecRequest {
  /** The command and its arguments. */
  readonly args: readonly string[];
  readonly interactive?: boolean;
  readonly tty?: boolean;
  readonly env?: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
}

/** Runs the command to its end; resolves to its exit status. */
export async function execInContainer(store: Store, text: string, o: ExecRequest): Promise<number> {
  if (o.args.length === 0) throw new UsageError('exec needs a command to run');
  checkCommandName(o.args);
  if (o.user !== undefined) checkUserFlag(o.user);
  const rec = findContainer(store, text);
  // Joining a frozen cgroup would freeze the new process too, and `exec` would hang.
  await thawAbandonedPause(store, rec);
  const target = sandboxProcess(rec);
  const spec = loadRunSpec(containerDir(store, rec.id));

  let ids: { uid: number; gid: number; groups: readonly number[] } = spec.process;
  let base = spec.process.env;
  let home = '/';
  if (o.user !== undefined) {
    const cv = await openContainerView(store, rec);
    const user = resolveUser(o.user, readContainerText(store, cv, '/etc/passwd'), readContainerText(store, cv, '/etc/group'));
    ids = user;
    home = user.home;
    // Another user's HOME is its own.
    base = base.filter((kv) => !kv.startsWith('HOME='));
  }
  const cli = { args: [], env: o.env, workdir: o.workdir, tty: o.tty };
  const command: ProcessPlan = {
    argv: o.args,
    env: commandEnv({ Env: [...base] }, cli, { hostname: spec.hostname, home }),
    cwd: commandCwd({ WorkingDir: spec.process.cwd }, cli),
    createCwd: false,
    uid: ids.uid,
    gid: ids.gid,
    groups: ids.groups,
  };

  const namespaces = foreignNamespaces(target.pid);
  const cgroups = rec.cgroup === undefined ? [] : containerCgroupProcs(target.pid, rec.cgroup);
  const ops: Op[] = [
    { op: 'spawn', namespaces: [] },
    // The cgroup files are the host's: joined before entering the sandbox's mount namespace.
    ...(cgroups.length > 0 ? [{ op: 'cgroup', procsFiles: cgroups } as const] : []),
    // Without a cgroup (rootless on v1), the limits are the container's rlimits, as start.ts sets them.
    ...(rec.cgroup === undefined ? rlimitsOf(spec.limits) : []),
    { op: 'join', pid: target.pid, startTime: target.startTime, namespaces },
    ...processOps(command, o.tty ?? false),
  ];
  return runHelper(store, ops, { stdin: (o.interactive ?? false) || (o.tty ?? false), tty: o.tty ?? false });
}

function rlimitsOf(limits: { readonly pids: number; readonly memory?: number }): Op[] {
  return [
    { op: 'rlimit', resource: 'nproc', soft: limits.pids, hard: limits.pids },
    ...(limits.memory !== undefined ? [{ op: 'rlimit', resource: 'as', soft: limits.memory, hard: limits.memory } as const] : []),
  ];
}
