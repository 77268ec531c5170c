// What `info` reports about the runtime: the rootfs driver containers get, the cgroup version
// limits go through, how many containers the store holds.

import type { Store } from '../../store/store.js';
import { detectCgroups } from '../cgroups/detect.js';
import { listContainers } from './records.js';
import { defaultDriverName } from '../drivers/driver.js';
import type { DriverName } from '../drivers/types.js';
import { describeMapping, subordinateIds } from '../rootless/subordinate-ids.js';

export interface RuntimeFacts {
  readonly driver: DriverName;
  /** undefined: no usable cgroups (limits fall back to rlimits). */
  readonly cgroupVersion: 1 | 2 | undefined;
  readonly containers: number;
  /** Rootless: how the caller's ids map into a sandbox. */
  readonly userNamespace: string | undefined;
}

export function runtimeFacts(store: Store, chosen: DriverName | undefined): RuntimeFacts {
  const cgroups = process.getuid?.() === 0 ? detectCgroups() : undefined;
  const uid = process.getuid?.() ?? 0;
  return {
    driver: chosen ?? defaultDriverName(),
    cgroupVersion: cgroups?.version,
    containers: listContainers(store).length,
    userNamespace: uid === 0 ? undefined : describeMapping(subordinateIds()),
  };
}
