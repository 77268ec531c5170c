// The run plan: everything decided about a sandbox, turned into the helper's operation list
// (helper/ops.ts). A pure function: the tests assert its exact output; the helper only obeys.
//
// Order matters, and each step says why it is where it is:
//   spawn            new namespaces first, so nothing below touches the host's (net kept with
//                    --net host; user when rootless);
//   cgroup, rlimit   limits before anything runs in the sandbox (the pid-1 child joins; every
//                    process of the sandbox is its descendant);
//   private-mounts   no mount below propagates back to the host;
//   root             the rootfs mounted at NEWROOT (overlay: OVERLAY_OPTIONS) and made nodev
//                    (device nodes of the image can never be opened, e.g. a `c 1 1` /tmp/mem
//                    shipped in a layer);
//   /proc, /dev, /sys, /etc files, volumes   under NEWROOT, before the old root goes;
//   pivot            pivot_root with the old root detached: the chroot escapes find no host above;
//   masks, ro paths  over the container's fresh /proc and /sys;
//   hostname, loopback
//   the process      (processOps, which `exec` uses too) cwd, pty; caps, ids, no-new-privs,
//                    seccomp: dropping privilege last, seccomp after everything that needs a
//                    refused call; exec.

import { bytesOfUserString, type BytePath } from '../../base/byte-path.js';
import type { Op } from '../helper/ops.js';
import { DEFAULT_CAPABILITIES, MASKED_PATHS, READONLY_PATHS, SECCOMP_DENY } from './hardening.js';
import type { NetMode } from './etc-files.js';

export type RootfsMount =
  | { readonly kind: 'overlay'; readonly lowerDirs: readonly string[]; readonly upperDir: string; readonly workDir: string }
  | { readonly kind: 'bind'; readonly dir: string };

export interface BindMount {
  /** Host path (real, as the user's text: converted to bytes here). */
  readonly source: string;
  /** Resolved container path. */
  readonly target: BytePath;
  readonly readOnly: boolean;
}

export interface ProcessPlan {
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  /** The working directory is missing from the image: create it (as Docker does). */
  readonly createCwd: boolean;
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

export interface RunPlan {
  readonly rootfs: RootfsMount;
  /** Host directory the root is mounted on (it exists). */
  readonly newRoot: string;
  /** Rootless: the caller's ids become these inside (a single mapping). */
  readonly mapSelf?: { readonly uid: number; readonly gid: number };
  /** Rootless with subordinate ids: a user namespace whose maps the caller writes (newuidmap,
   * newgidmap) while the helper waits at `sync`. */
  readonly callerMaps?: boolean;
  readonly net: NetMode;
  readonly hostname: string;
  readonly readOnly: boolean;
  readonly tty: boolean;
  /** /etc/hosts, /etc/hostname, /etc/resolv.conf. */
  readonly etcFiles: readonly BindMount[];
  readonly volumes: readonly BindMount[];
  readonly cgroupProcs: readonly string[];
  readonly rlimits: readonly { readonly resource: string; readonly soft: number; readonly hard: number }[];
  readonly timeoutSeconds?: number;
  readonly process: ProcessPlan;
}

/** Overlay options that keep a container's upper directory a plain tree — files, whiteouts and
 * opaque markers — which is all `diff`, `commit` and `cp` read there (drivers/upper-index.ts), and
 * all the resolver models. redirect_dir=nofollow: renaming a directory of the image copies it (the
 * kernel says EXDEV, mv falls back) instead of leaving a redirect xattr, and no redirect is ever
 * followed ("off" would mean "follow" where the overlay module has redirect_always_follow set, and
 * the kernel refuses that with userxattr). metacopy=off: a chmod or chown copies the whole file up,
 * never a stub whose data stays below. index=off: nothing in the work directory ties the upper
 * files to the layers' inode numbers. All three are accepted rootless too. */
export const OVERLAY_OPTIONS = ['redirect_dir=nofollow', 'metacopy=off', 'index=off'] as const;

/** Host devices bound into the sandbox's /dev (Docker's default set, minus console). */
const DEV_NODES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'] as const;

export function planOps(plan: RunPlan): Op[] {
  const host = (p: string) => bytesOfUserString(p);
  const root = host(plan.newRoot);
  const at = (p: string) => `${root}${p}`;
  const ops: Op[] = [];

  if (plan.timeoutSeconds !== undefined) ops.push({ op: 'timeout', seconds: plan.timeoutSeconds });
  const rootless = plan.mapSelf !== undefined || plan.callerMaps === true;
  const namespaces = [...(rootless ? ['user'] : []), 'mnt', 'pid', 'uts', 'ipc', ...(plan.net === 'host' ? [] : ['net'])];
  ops.push({ op: 'spawn', namespaces });
  if (plan.callerMaps) ops.push({ op: 'sync' });
  else if (plan.mapSelf) ops.push({ op: 'map-self', insideUid: plan.mapSelf.uid, insideGid: plan.mapSelf.gid });
  if (plan.cgroupProcs.length > 0) ops.push({ op: 'cgroup', procsFiles: plan.cgroupProcs.map(host) });
  for (const r of plan.rlimits) ops.push({ op: 'rlimit', ...r });
  ops.push({ op: 'private-mounts' });

  if (plan.rootfs.kind === 'overlay') {
    ops.push({ op: 'mount-overlay', lowerDirs: plan.rootfs.lowerDirs.map(host), upperDir: host(plan.rootfs.upperDir), workDir: host(plan.rootfs.workDir), target: root, options: OVERLAY_OPTIONS });
    ops.push({ op: 'bind', source: root, target: root, flags: ['nodev'] });
  } else {
    ops.push({ op: 'bind', source: host(plan.rootfs.dir), target: root, flags: ['nodev'] });
  }

  ops.push({ op: 'mount', fstype: 'proc', target: at('/proc'), flags: ['nosuid', 'nodev', 'noexec'], data: '' });

  // /dev: a small tmpfs (nodev: a node made inside with CAP_MKNOD cannot be opened), the host's
  // harmless devices bound onto placeholder fifos, its own devpts, shm and mqueue.
  ops.push({ op: 'mount', fstype: 'tmpfs', target: at('/dev'), flags: ['nosuid', 'nodev'], data: 'mode=755,size=65536k' });
  for (const name of DEV_NODES) {
    ops.push({ op: 'mknod', path: at(`/dev/${name}`), type: 'p', mode: 0o666, major: 0, minor: 0 });
    ops.push({ op: 'bind', source: `/dev/${name}`, target: at(`/dev/${name}`), flags: ['nosuid', 'noexec'] });
  }
  ops.push({ op: 'mkdir', path: at('/dev/pts'), mode: 0o755 });
  ops.push({ op: 'mount', fstype: 'devpts', target: at('/dev/pts'), flags: ['nosuid', 'noexec'], data: `newinstance,ptmxmode=0666,mode=0620${rootless ? '' : ',gid=5'}` });
  ops.push({ op: 'symlink', target: 'pts/ptmx', path: at('/dev/ptmx') });
  ops.push({ op: 'mkdir', path: at('/dev/shm'), mode: 0o1777 });
  ops.push({ op: 'mount', fstype: 'tmpfs', target: at('/dev/shm'), flags: ['nosuid', 'nodev', 'noexec'], data: 'mode=1777,size=65536k' });
  ops.push({ op: 'mkdir', path: at('/dev/mqueue'), mode: 0o755 });
  ops.push({ op: 'mount', fstype: 'mqueue', target: at('/dev/mqueue'), flags: ['nosuid', 'nodev', 'noexec'], data: '' });
  ops.push({ op: 'symlink', target: '/proc/self/fd', path: at('/dev/fd') });
  ops.push({ op: 'symlink', target: '/proc/self/fd/0', path: at('/dev/stdin') });
  ops.push({ op: 'symlink', target: '/proc/self/fd/1', path: at('/dev/stdout') });
  ops.push({ op: 'symlink', target: '/proc/self/fd/2', path: at('/dev/stderr') });

  // /sys read-only. A rootless sandbox sharing the host's network namespace may not mount sysfs
  // (the kernel ties it to the netns owner): it gets the host's, bound read-only.
  if (rootless && plan.net === 'host') ops.push({ op: 'bind', source: '/sys', target: at('/sys'), flags: ['ro', 'nosuid', 'nodev', 'noexec'] });
  else ops.push({ op: 'mount', fstype: 'sysfs', target: at('/sys'), flags: ['ro', 'nosuid', 'nodev', 'noexec'], data: '' });

  for (const f of plan.etcFiles) {
    ops.push({ op: 'bind', source: host(f.source), target: at(f.target), flags: [...(f.readOnly ? ['ro'] : []), 'nosuid', 'nodev', 'noexec'] });
  }
  for (const v of plan.volumes) {
    ops.push({ op: 'bind', source: host(v.source), target: at(v.target), flags: [...(v.readOnly ? ['ro'] : []), 'nodev'] });
  }

  ops.push({ op: 'pivot', newRoot: root });
  for (const path of MASKED_PATHS) ops.push({ op: 'mask', path });
  for (const path of READONLY_PATHS) ops.push({ op: 'readonly', path });
  if (plan.readOnly) ops.push({ op: 'remount-root-ro' });
  ops.push({ op: 'hostname', name: bytesOfUserString(plan.hostname) });
  if (plan.net !== 'host') ops.push({ op: 'loopback-up' });

  ops.push(...processOps(plan.process, plan.tty));
  return ops;
}

/** The process part of a sandbox, the same for a container's command (`run`) and for one more
 * process in a running container (`exec`): working directory, terminal, then the privileges
 * dropped, last the exec. */
export function processOps(p: ProcessPlan, tty: boolean): Op[] {
  const ops: Op[] = [];
  const cwd = bytesOfUserString(p.cwd);
  if (p.createCwd) ops.push({ op: 'mkdir', path: cwd, mode: 0o755 });
  ops.push({ op: 'chdir', path: cwd });
  if (tty) ops.push({ op: 'pty' });
  // Capabilities first (dropping from the bounding set needs CAP_SETPCAP), then the ids: leaving
  // uid 0 empties the permitted and effective sets, so a non-root user ends with none, as in
  // Docker, while its bounding set is Docker's default one.
  ops.push({ op: 'caps', keep: DEFAULT_CAPABILITIES });
  ops.push({ op: 'ids', uid: p.uid, gid: p.gid, groups: p.groups });
  ops.push({ op: 'no-new-privs' });
  ops.push({ op: 'seccomp', deny: SECCOMP_DENY, denyNamespaceClone: true });
  ops.push({ op: 'exec', env: p.env.map(bytesOfUserString), argv: p.argv.map(bytesOfUserString) });
  return ops;
}
