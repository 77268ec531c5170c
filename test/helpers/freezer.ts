// A container's cgroup freezer (v1), seen from the host, for the tests of `commit`'s pause.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The freezer.state file of a container's cgroup, found by the container's id. */
export function freezerStateFile(id: string): string {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      if (e.name.endsWith(`.${id}`)) found.push(join(dir, e.name, 'freezer.state'));
      else if (depth < 4) walk(join(dir, e.name), depth + 1);
    }
  };
  walk('/sys/fs/cgroup/freezer', 0);
  if (found.length !== 1) throw new Error(`container ${id}: ${found.length} freezer cgroups`);
  return found[0]!;
}

/** THAWED, FREEZING or FROZEN. */
export function freezerState(file: string): string {
  return readFileSync(file, 'utf8').trim();
}
