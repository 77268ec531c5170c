// Container records: ROOT/containers/<id>/container.json beside the container's writable layer
// and the files it mounts. A container is assembled in staging and published by one rename, under
// the gc lock after checking that its image is still there, so a concurrent `rmi` either removed
// the image first (the run fails cleanly) or sees the container and keeps the image. Names are
// one file each in ROOT/names, created whole by a link (atomic.ts): two runs can never take the
// same name, and a reservation always says whose it is.

import { chmodSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError, errnoOf } from '../../base/errors.js';
import { isoTime } from '../../base/time.js';
import { withLock } from '../../store/lock.js';
import { isAlive, ownIdentity } from '../../store/process-identity.js';
import { writeFileAtomic, createFileAtomic } from '../../store/atomic.js';
import { syncDir } from '../../store/durable.js';
import { createStagingDir, removeTree, removeTreeAsync, stagingPath } from '../../store/staging.js';
import type { Store } from '../../store/store.js';
import { refusedByOwner } from '../../store/mapped-owners.js';
import type { DriverName } from '../drivers/types.js';
import { checkContainerName, generatedName, isContainerId, newContainerId } from './names.js';
import { OWNER, containerRecordProblem } from './record-check.js';
import { damagedRecord } from '../../store/damaged.js';

export type ContainerState = 'created' | 'running' | 'exited';

export interface ContainerRecord {
  /** 32 lowercase letters and digits. */
  readonly id: string;
  readonly name: string;
  /** The image id ("sha256:…"). */
  readonly image: string;
  /** The image as the user named it (what `ps` shows). */
  readonly imageRef: string;
  /** The command's argv (entrypoint and cmd). */
  readonly command: readonly string[];
  readonly created: string;
  readonly driver: DriverName;
  readonly state: ContainerState;
  /** The command's exit status once exited; 255 when strata died before it could learn it. */
  readonly exitCode: number | null;
  readonly started?: string;
  readonly finished?: string;
  /** The strata process that runs the container, "<pid>.<start time>" (process-identity.ts). */
  readonly owner?: string;
  /** The helper's pid (its monitor, outside the sandbox). */
  readonly pid?: number;
  /** The container's cgroup name under each controller's strata/ directory. */
  readonly cgroup?: string;
  readonly oomKilled?: boolean;
  /** Extra facts about how the container was made (hostname, user, …) for later commands. */
  readonly hostname?: string;
}

const RECORD = 'container.json';

export const containerDir = (store: Store, id: string) => store.paths.container(id);

/** A detached container's output, appended to files in its directory (supervisor.ts, `logs`). */
export const LOG_FILES = { stdout: 'stdout.log', stderr: 'stderr.log' } as const;

/** The state a user sees: a running container whose strata process is gone has exited (the
 * helper dies with strata), with status 255 as Docker reports an unknown one. */
export function effectiveRecord(rec: ContainerRecord): ContainerRecord {
  if (rec.state !== 'running' || (rec.owner !== undefined && isAlive(rec.owner))) return rec;
  return { ...rec, state: 'exited', exitCode: rec.exitCode ?? 255, finished: rec.finished ?? rec.started ?? rec.created };
}

export interface NewContainer {
  /** A fresh id (newContainerId()) when the caller needs it before the container exists. */
  readonly id?: string;
  readonly name?: string | undefined;
  readonly image: string;
  readonly imageRef: string;
  readonly command: readonly string[];
  readonly driver: DriverName;
  readonly hostname?: string;
  /** Synced before it is published (default). A batch job's container, removed when the job
   * ends, is not: a power cut takes the whole batch with it anyway, and its next command sweeps
   * what is left. */
  readonly durable?: boolean;
}

/**
 * Make a container: reserve its name, let `populate` fill its directory in staging (the
 * driver's directories, the files it mounts), then publish it. Returns the published record.
 */
export async function createContainer(store: Store, spec: NewContainer, populate: (dir: string, rec: ContainerRecord) => Promise<void> | void): Promise<ContainerRecord> {
  ensureDirs(store);
  const id = spec.id ?? newContainerId();
  const name = reserveName(store, id, spec.name);
  const rec: ContainerRecord = {
    id, name, image: spec.image, imageRef: spec.imageRef, command: [...spec.command], created: isoTime(),
    driver: spec.driver, state: 'created', exitCode: null, owner: ownIdentity(),
    ...(spec.hostname !== undefined ? { hostname: spec.hostname } : {}),
  };
  const staging = createStagingDir(store);
  try {
    // The first record is synced, and the directory holding it, before the container is
    // published, and its name after (durable.ts): a container that was listed once is not lost
    // to a power cut. What the driver makes beside it is a running container's state, not synced.
    writeRecord(store, staging, rec, { durable: spec.durable ?? true });
    await populate(staging, rec);
    await withLock(store, 'gc', () => {
      if (!existsSync(store.paths.image(spec.image))) throw new StrataError(`image "${spec.imageRef}" was removed while the container was being made`);
      renameSync(staging, containerDir(store, id));
    });
  } catch (err) {
    removeTree(staging);
    releaseName(store, name, id);
    throw err;
  }
  // Published: a failure from here on leaves the container, as it is.
  if (spec.durable ?? true) syncDir(store.paths.containers);
  return rec;
}

function ensureDirs(store: Store): void {
  for (const dir of [store.paths.containers, store.paths.names]) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Take a name with O_EXCL ("<id> <owner>" inside). A name left by a process that died before it
 * published its container is taken over. */
function reserveName(store: Store, id: string, wanted: string | undefined): string {
  for (let attempt = 0; ; attempt++) {
    const name = wanted === undefined ? generatedName(attempt) : checkContainerName(wanted);
    if (tryCreateName(store, name, id)) return name;
    if (breakStaleName(store, name)) {
      attempt--;
      continue;
    }
    if (wanted !== undefined) {
      const holder = readName(store, name);
      throw new StrataError(`the container name "${name}" is already in use by container ${holder?.id.slice(0, 12) ?? '?'}; remove it or choose another name`);
    }
    if (attempt > 50) throw new StrataError('cannot generate a free container name');
  }
}

function tryCreateName(store: Store, name: string, id: string): boolean {
  try {
    return createFileAtomic(store, store.paths.name(name), `${id} ${ownIdentity()}\n`);
  } catch (err) {
    throw new StrataError(`cannot reserve the container name "${name}"`, { cause: err });
  }
}

/** Who holds a name: undefined when no one does. The id in it becomes a path, so a record that
 * does not hold one ("../../x") is refused; an empty one is a name being taken right now. */
function readName(store: Store, name: string): { id: string; owner: string } | undefined {
  let text: string;
  try {
    text = readFileSync(store.paths.name(name), 'utf8');
  } catch {
    return undefined;
  }
  const [id = '', owner = ''] = text.trim().split(' ');
  if (text !== '' && !(isContainerId(id) && OWNER.test(owner))) throw damagedRecord(`the record of the container name "${name}"`, `it holds ${JSON.stringify(text.trim().slice(0, 80))}`);
  return { id, owner };
}

/** A name whose container does not exist and whose reserving process is dead is removed. */
function breakStaleName(store: Store, name: string): boolean {
  const holder = readName(store, name);
  if (holder === undefined) return true; // removed meanwhile: try again
  // An empty file (a strata that wrote it in place, cut off) names no container and no live owner.
  if ((holder.id !== '' && existsSync(containerDir(store, holder.id))) || isAlive(holder.owner)) return false;
  releaseName(store, name, holder.id);
  return true;
}

function releaseName(store: Store, name: string, id: string): void {
  if (readName(store, name)?.id !== id) return;
  try {
    unlinkSync(store.paths.name(name));
  } catch {
    // Released by another process already.
  }
}

export function readContainer(store: Store, id: string): ContainerRecord {
  if (!isContainerId(id)) throw new StrataError(`${JSON.stringify(id)} is not a container id`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(join(containerDir(store, id), RECORD), 'utf8'));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') throw new StrataError(`container ${id.slice(0, 12)} does not exist`, { cause: err });
    throw new StrataError(`cannot read container ${id.slice(0, 12)}`, { cause: err });
  }
  const problem = containerRecordProblem(doc, id);
  if (problem !== undefined) throw damagedRecord(`container ${id.slice(0, 12)}`, problem);
  return doc as ContainerRecord;
}

/** Change a container's record (a whole new file by rename). A container removed meanwhile is
 * left removed. */
export function updateContainer(store: Store, id: string, changes: Partial<ContainerRecord>): ContainerRecord | undefined {
  let rec: ContainerRecord;
  try {
    rec = readContainer(store, id);
  } catch {
    return undefined;
  }
  const next = { ...rec, ...changes };
  try {
    writeRecord(store, containerDir(store, id), next);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  return next;
}

/** A record is replaced by rename, so a reader sees the old one or the new one; it is written in
 * staging (atomic.ts), so a writer killed meanwhile leaves nothing in the container's directory.
 * Only the first is synced (createContainer): a record is state that changes several times a run
 * (on a power cut ext4 still flushes data renamed over an existing file first); syncing each
 * would cost every run milliseconds. */
function writeRecord(store: Store, dir: string, rec: ContainerRecord, options: { readonly durable?: boolean } = {}): void {
  writeFileAtomic(store, join(dir, RECORD), JSON.stringify(rec), { durable: options.durable ?? false });
}

/** Every container, newest first. */
export function listContainers(store: Store): ContainerRecord[] {
  let ids: string[];
  try {
    ids = readdirSync(store.paths.containers);
  } catch {
    return [];
  }
  const out: ContainerRecord[] = [];
  for (const id of ids) {
    if (!isContainerId(id)) continue;
    try {
      out.push(readContainer(store, id));
    } catch {
      // Removed while we listed.
    }
  }
  return out.sort((a, b) => b.created.localeCompare(a.created) || a.id.localeCompare(b.id));
}

/** A container by full id, by name, or by a unique id prefix (Docker's order). A name never
 * shadows another container's id: text that is both a name and the prefix of another container's
 * id is an error naming both. */
export function findContainer(store: Store, text: string): ContainerRecord {
  if (isContainerId(text) && existsSync(containerDir(store, text))) return readContainer(store, text);
  let named: string | undefined;
  if (/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(text)) {
    const holder = readName(store, text);
    if (holder && holder.id !== '' && existsSync(containerDir(store, holder.id))) named = holder.id;
  }
  let ids: string[] = [];
  if (/^[0-9a-z]+$/.test(text)) {
    try {
      ids = readdirSync(store.paths.containers).filter((id) => isContainerId(id) && id.startsWith(text));
    } catch {
      // No containers yet.
    }
  }
  if (named !== undefined) {
    const other = ids.find((id) => id !== named);
    if (other !== undefined) {
      throw new StrataError(`"${text}" is ambiguous: it is the name of container ${named.slice(0, 12)} and the start of container ${other.slice(0, 12)}'s id; use a longer id`);
    }
    return readContainer(store, named);
  }
  if (ids.length > 1) throw new StrataError(`container id prefix "${text}" is ambiguous (${ids.length} containers)`);
  if (ids.length === 1) return readContainer(store, ids[0]!);
  throw new StrataError(`container "${text}" not found`);
}

/** Remove a container's directory (renamed into staging first: never half-visible) and name. The
 * rename needs no space on the disk: a run that failed for want of it still leaves no container. */
export async function deleteContainer(store: Store, rec: ContainerRecord): Promise<void> {
  const trash = stagingPath(store);
  try {
    renameSync(containerDir(store, rec.id), trash);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw new StrataError(`cannot remove container ${rec.id.slice(0, 12)}`, { cause: err });
  }
  releaseName(store, rec.name, rec.id);
  await removeOwnTree(store, trash);
}

/** Remove a tree this process owns. Without root, a directory the container made unwritable
 * (chmod 0555) stops rm: every file is ours (root inside is us outside), so make each directory
 * writable and try again. With subordinate ids, files the container gave to other users (chown)
 * are not ours outside: the tree goes from inside a user namespace with the same mapping. */
async function removeOwnTree(store: Store, path: string): Promise<void> {
  try {
    await removeTreeAsync(path);
    return;
  } catch (err) {
    if (process.getuid?.() === 0 || (errnoOf(err) !== 'EACCES' && errnoOf(err) !== 'EPERM')) throw err;
  }
  const open = (dir: Buffer) => {
    try {
      chmodSync(dir, 0o700);
    } catch {
      return;
    }
    for (const d of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
      if (d.isDirectory()) open(Buffer.concat([dir, Buffer.from('/'), d.name]));
    }
  };
  try {
    open(Buffer.from(path));
    removeTree(path);
  } catch (err) {
    if (!refusedByOwner(store, err)) throw err;
    await store.mapped!.remove(store, path);
  }
}
