// run's flag values, checked before anything is done: before the image is read, a container is
// made or the helper starts. Each value the helper or the kernel would refuse mid-start (a
// hostname longer than Linux allows, a pids limit no system has, a volume without a target) is a
// usage error here, naming the flag and the value (exit status 2). What needs the image — users
// by name, the command, the environment — is checked in prepareRun, still before the helper runs.

import { invalidValue } from '../base/errors.js';
import { oneOf } from '../base/flag-values.js';
import { checkContainerName } from './container-names.js';
import type { NetMode } from './etc-files.js';
import { limitsFrom, parseTimeout, type Limits } from './limits.js';
import type { RunRequest } from './run-spec.js';
import { checkUserFlag } from './users.js';
import { parseVolume, type VolumeSpec } from './volumes.js';

export const NET_MODES: readonly NetMode[] = ['none', 'host'];

/** Linux's HOST_NAME_MAX: sethostname(2) refuses longer names. */
const HOSTNAME_MAX = 64;

export interface RunFlags {
  readonly net: NetMode;
  readonly limits: Limits;
  readonly timeout?: number;
  readonly volumes: readonly VolumeSpec[];
}

export function checkRunFlags(o: RunRequest & { readonly name?: string }): RunFlags {
  if (o.name !== undefined) checkContainerName(o.name);
  if (o.hostname !== undefined) checkHostname(o.hostname);
  if (o.user !== undefined) checkUserFlag(o.user);
  return {
    net: o.net === undefined ? 'none' : oneOf('--net', o.net, NET_MODES),
    limits: limitsFrom(o),
    ...(o.timeout !== undefined ? { timeout: parseTimeout(o.timeout) } : {}),
    volumes: (o.volumes ?? []).map(parseVolume),
  };
}

/** A name for sethostname(2) and for the lines of /etc/hosts and /etc/hostname: the characters
 * of DNS names (and "_"), so no space or newline adds a line of its own to those files. */
function checkHostname(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw invalidValue('--hostname', name, 'letters, digits, ".", "-" and "_", starting with a letter or digit');
  if (name.length > HOSTNAME_MAX) throw invalidValue('--hostname', name, `longer than Linux's limit of ${HOSTNAME_MAX} bytes`);
}
