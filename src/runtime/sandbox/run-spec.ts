// Everything decided about a container's process and mounts before it first starts, from the
// image (through the resolver) and the command line: argv, environment, user, working directory,
// mount points, limits. It is saved beside the container (run.json), so a detached container's
// supervisor, and `start` later, run exactly what `run` decided.

import { readFileSync, writeFileSync } from 'node:fs';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';
import type { BytePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { ImageView } from '../../content/image-view.js';
import { resolvePath } from '../../resolver/symlinks.js';
import type { Image } from '../../store/images.js';
import type { Store } from '../../store/store.js';
import type { NetMode } from './etc-files.js';
import { readImageText } from './image-files.js';
import type { Limits } from './limits.js';
import { resolveMountPoint, type MountPoint } from './mount-points.js';
import type { ProcessPlan } from './plan.js';
import { commandArgv, commandCwd, commandEnv } from './process-spec.js';
import { resolveUser } from './users.js';
import { resolveHostSource, type VolumeSpec } from './volumes.js';

export const ETC_FILES = ['hostname', 'hosts', 'resolv.conf'] as const;

/** Without --hostname (and --net host), a container's hostname is its short id, the first 12
 * characters of its id that lists show (containers/names.ts), as Docker's is. */
const SHORT_ID_LENGTH = 12;

/** What the user asked for (the run command's options as typed, the words after IMAGE);
 * run-flags.ts checks the values. */
export interface RunRequest {
  readonly args: readonly string[];
  readonly interactive?: boolean;
  readonly tty?: boolean;
  readonly env?: readonly string[];
  readonly envFiles?: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
  readonly volumes?: readonly string[];
  readonly net?: string;
  readonly memory?: string;
  readonly pids?: string;
  readonly cpus?: string;
  readonly timeout?: string;
  readonly hostname?: string;
  readonly readOnly?: boolean;
  readonly entrypoint?: string;
  readonly rm?: boolean;
}

export interface RunSpec {
  readonly process: ProcessPlan;
  readonly net: NetMode;
  readonly hostname: string;
  readonly readOnly: boolean;
  readonly tty: boolean;
  readonly interactive: boolean;
  /** Where /etc/hostname, /etc/hosts, /etc/resolv.conf go (resolved in the image). */
  readonly etcTargets: readonly BytePath[];
  readonly volumes: readonly { readonly source: string; readonly target: BytePath; readonly readOnly: boolean }[];
  readonly limits: Limits;
  readonly timeout?: number;
  readonly rm: boolean;
}

export interface Prepared {
  readonly spec: RunSpec;
  /** What the rootfs driver must make for the mounts. */
  readonly mountPoints: readonly MountPoint[];
}

/** run's flag values once checked (run-flags.ts). */
export interface RunFlags {
  readonly net: NetMode;
  readonly limits: Limits;
  readonly timeout?: number;
  readonly volumes: readonly VolumeSpec[];
}

/** `flags`: checkRunFlags(o). */
export function prepareRun(store: Store, image: Image, iv: ImageView, id: string, o: RunRequest, flags: RunFlags): Prepared {
  const config = image.config.config ?? {};
  const { net, limits, timeout } = flags;
  const hostname = o.hostname ?? (net === 'host' ? hostHostname() : id.slice(0, SHORT_ID_LENGTH));
  const cli = { args: o.args, entrypoint: o.entrypoint, env: o.env, envFiles: o.envFiles, workdir: o.workdir, tty: o.tty };
  const argv = commandArgv(config, cli);
  const user = resolveUser(o.user ?? config.User ?? '', readImageText(store, iv, '/etc/passwd'), readImageText(store, iv, '/etc/group'));
  const env = commandEnv(config, cli, { hostname, home: user.home });
  const cwd = commandCwd(config, cli);

  // Mount points: the kernel file systems, the three /etc files, the volumes.
  const mountPoints: MountPoint[] = ['/proc', '/sys', '/dev'].map((dir) => resolveMountPoint(iv.view, dir, 'dir'));
  const etc = ETC_FILES.map((f) => resolveMountPoint(iv.view, `/etc/${f}`, 'file'));
  mountPoints.push(...etc);
  const volumes = flags.volumes.map((v) => {
    const source = resolveHostSource(v.source);
    const target = resolveMountPoint(iv.view, v.target, source.isDir ? 'dir' : 'file');
    mountPoints.push(target);
    return { source: source.path, target: target.path, readOnly: v.readOnly };
  });

  const spec: RunSpec = {
    process: { argv, env, cwd, createCwd: !isDirInImage(iv, cwd), uid: user.uid, gid: user.gid, groups: user.groups },
    net, hostname, readOnly: o.readOnly ?? false, tty: o.tty ?? false, interactive: o.interactive ?? false,
    etcTargets: etc.map((m) => m.path), volumes, limits, ...(timeout !== undefined ? { timeout } : {}), rm: o.rm ?? false,
  };
  return { spec, mountPoints };
}

function isDirInImage(iv: ImageView, path: string): boolean {
  try {
    return resolvePath(iv.view, path).entry?.entry.type === 'dir';
  } catch {
    return false;
  }
}

const SPEC_FILE = 'run.json';

export function saveRunSpec(dir: string, spec: RunSpec): void {
  writeFileSync(join(dir, SPEC_FILE), JSON.stringify(spec), { mode: 0o600 });
}

export function loadRunSpec(dir: string): RunSpec {
  try {
    return JSON.parse(readFileSync(join(dir, SPEC_FILE), 'utf8')) as RunSpec;
  } catch (err) {
    throw new StrataError(`container ${dir.slice(-32, -20)} has no run specification`, { cause: err });
  }
}
