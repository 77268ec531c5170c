// What a container record (ROOT/containers/<id>/container.json) must hold before strata acts on
// it. Its fields become paths (the image's record, the container's cgroup), a process to signal
// and a process to trust as its owner, so a damaged or planted record is refused, not used:
// "image": "sha256:../../x" would read a config outside the store, "pid": 1 would have `kill`
// signal init, "cgroup": "../../.." would have clean-up remove another cgroup.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine } from '../../base/errors.js';
import { isDigestId } from '../../store/ids.js';
import type { Store } from '../../store/store.js';
import { isContainerId, isContainerName } from './names.js';

/** A strata process's identity, "<pid>.<start time>" (store/process-identity.ts). */
export const OWNER = /^\d+\.\d+$/;
const CGROUP = /^\d+\.\d+\.[0-9a-z]{32}$/;
const STATES = ['created', 'running', 'exited'];

/** Why `doc`, read from container `id`'s directory, is not a record strata wrote, or undefined. */
export function containerRecordProblem(doc: unknown, id: string): string | undefined {
  if (typeof doc !== 'object' || doc === null) return 'not a JSON object';
  const r = doc as Record<string, unknown>;
  if (r.id !== id) return `it names container ${JSON.stringify(r.id)}`;
  if (typeof r.name !== 'string' || !isContainerName(r.name)) return `name ${JSON.stringify(r.name)}`;
  if (!isDigestId(r.image)) return `image ${JSON.stringify(r.image)} is not an image id`;
  if (typeof r.imageRef !== 'string' || typeof r.created !== 'string') return 'imageRef or created is not a string';
  if (!Array.isArray(r.command) || !r.command.every((a) => typeof a === 'string')) return 'command is not a list of strings';
  if (r.driver !== 'overlay' && r.driver !== 'copy') return `driver ${JSON.stringify(r.driver)}`;
  if (typeof r.state !== 'string' || !STATES.includes(r.state)) return `state ${JSON.stringify(r.state)}`;
  if (r.exitCode !== null && !(Number.isInteger(r.exitCode) && (r.exitCode as number) >= 0 && (r.exitCode as number) <= 255)) return `exitCode ${JSON.stringify(r.exitCode)}`;
  if (r.owner !== undefined && !(typeof r.owner === 'string' && OWNER.test(r.owner))) return `owner ${JSON.stringify(r.owner)}`;
  // pid 1 is the host's init, and 0 or a negative pid signals a whole process group.
  if (r.pid !== undefined && !(Number.isSafeInteger(r.pid) && (r.pid as number) > 1)) return `pid ${JSON.stringify(r.pid)}`;
  if (r.cgroup !== undefined && !(typeof r.cgroup === 'string' && CGROUP.test(r.cgroup) && r.cgroup.endsWith(`.${id}`))) return `cgroup ${JSON.stringify(r.cgroup)}`;
  return undefined;
}

/** Every container record and container-name record that fails its check (for `check`). */
export function containerProblems(store: Store): string[] {
  const problems: string[] = [];
  for (const id of entriesOf(store.paths.containers)) {
    const path = join(store.paths.container(id), 'container.json');
    if (!isContainerId(id)) {
      problems.push(`${store.paths.container(id)}: not a container`);
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      problems.push(`${path}: ${oneLine(err)}`);
      continue;
    }
    const problem = containerRecordProblem(doc, id);
    if (problem !== undefined) problems.push(`container ${id.slice(0, 12)}: ${problem}`);
  }
  for (const name of entriesOf(store.paths.names)) {
    let text: string;
    try {
      text = readFileSync(store.paths.name(name), 'utf8');
    } catch {
      continue; // released meanwhile
    }
    const [holder = '', owner = ''] = text.trim().split(' ');
    if (!isContainerName(name) || !isContainerId(holder) || !OWNER.test(owner)) problems.push(`${store.paths.name(name)}: not a record of a container name`);
  }
  return problems;
}

function entriesOf(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
