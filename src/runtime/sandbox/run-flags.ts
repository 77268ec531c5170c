// run's flag values, checked before anything is done: before the image is read, a container is
// made or the helper starts. Each value the helper or the kernel would refuse mid-start (a
// hostname longer than Linux allows, a pids limit no system has, a volume without a target) is a
// usage error here, naming the flag and the value (exit status 2); `--name` is checked with the
// other container names (containers/names.ts). What needs the image — users
// by name, the command, the environment — is checked in prepareRun, still before the helper runs.

import { invalidValue } from '../../base/errors.js';
import { oneOf } from '../../base/flag-values.js';
import type { NetMode } from './etc-files.js';
import { limitsFrom, parseTimeout } from './limits.js';
import type { RunFlags, RunRequest } from './run-spec.js';
import { checkUserFlag } from './users.js';
import { parseVolume } from './volumes.js';

export const NET_MODES: readonly NetMode[] = ['none', 'host'];

/** Linux's HOST_NAME_MAX: sethostname(2) refuses longer names. */
const HOSTNAME_MAX = 64;

export function checkRunFlags(o: RunRequest): RunFlags {
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
