// A container's run spec as `inspect` would describe it (the TUI's config tab): what it runs
// (image, argv, environment, working directory, user), its mounts and limits. The spec is a
// store record (run.json, written by `run`): it is checked for shape before use, and a damaged
// one is an error naming the container, never half-shown.

import type { Store } from '../../store/store.js';
import { damagedRecord } from '../../store/damaged.js';
import { loadRunSpec, type RunSpec } from '../sandbox/run-spec.js';
import { containerDir, findContainer, type ContainerRecord } from './records.js';

export interface ContainerRunConfig {
  readonly record: ContainerRecord;
  readonly spec: RunSpec;
}

export function containerRunConfig(store: Store, text: string): ContainerRunConfig {
  const record = findContainer(store, text);
  const spec = loadRunSpec(containerDir(store, record.id));
  const problem = specProblem(spec);
  if (problem !== undefined) throw damagedRecord(`the run specification of container ${record.id.slice(0, 12)}`, problem);
  return { record, spec };
}

const isStrings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** What is wrong with the parts of a spec shown to the user; undefined when nothing is. */
function specProblem(spec: unknown): string | undefined {
  if (typeof spec !== 'object' || spec === null) return 'it is not an object';
  const s = spec as Record<string, unknown>;
  const p = s.process as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null) return 'it has no process';
  if (!isStrings(p.argv) || !isStrings(p.env) || typeof p.cwd !== 'string') return 'its process has no argv, env or cwd';
  if (!isCount(p.uid) || !isCount(p.gid) || !Array.isArray(p.groups) || !p.groups.every(isCount)) return 'its process has no uid, gid or groups';
  if (typeof s.hostname !== 'string' || typeof s.net !== 'string') return 'it has no hostname or network';
  const volumes = s.volumes;
  if (!Array.isArray(volumes) || !volumes.every((v: Record<string, unknown>) => typeof v?.source === 'string' && typeof v.target === 'string' && typeof v.readOnly === 'boolean')) return 'its volumes are malformed';
  const l = s.limits as Record<string, unknown> | undefined;
  if (typeof l !== 'object' || l === null || !isCount(l.pids) || (l.memory !== undefined && !isCount(l.memory)) || (l.cpus !== undefined && !isCount(l.cpus))) return 'its limits are malformed';
  if (s.timeout !== undefined && !isCount(s.timeout)) return 'its timeout is malformed';
  return undefined;
}
