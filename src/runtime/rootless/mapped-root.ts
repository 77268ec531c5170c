// The store's rootless steps (store/mapped-owners.ts), done as root of a user namespace that maps
// the caller to 0 and its subordinate ranges to 1..N — the mapping every sandbox of the caller
// gets (subordinate-ids.ts). Inside it the helper may chown to image ids, and read and remove
// files whose mapped owners shut the caller out on the host.

import { existsSync } from 'node:fs';
import { ROOT, bytesOfUserString, displayPath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { IndexEntry } from '../../base/layer-index.js';
import type { MappedOwners } from '../../store/types.js';
import type { Store } from '../../store/store.js';
import type { Op, SandboxProcess } from '../helper/ops.js';
import { runHelper } from '../helper/process.js';
import { selfCommand, selfJobCommand, type InternalJobName } from '../../base/self-command.js';
import { mapSubordinateIds, subordinateIds, type SubordinateIds } from './subordinate-ids.js';

/** Bytes of `own` steps per helper run: well under the helper's 16 MiB program limit. */
const PROGRAM_BYTES = 4 << 20;

/** The caller's mapping, when it has subordinate ids (and newuidmap); undefined otherwise. */
export function mappedOwners(): MappedOwners | undefined {
  const ids = subordinateIds();
  if (!ids) return undefined;
  const hostOf = (self: number, range: SubordinateIds['uids'], id: number) =>
    id === 0 ? self : id <= range.count ? range.start + id - 1 : undefined;
  return {
    ranges: `uid ${ids.uids.start} ${ids.uids.count}\ngid ${ids.gids.start} ${ids.gids.count}\n`,
    hostUid: (id) => hostOf(ids.uid, ids.uids, id),
    hostGid: (id) => hostOf(ids.gid, ids.gids, id),
    own: (store, root, entries) => ownEntries(store, ids, root, entries),
    remove: (store, path) => removeMapped(store, ids, path),
    read: (store, path) => readMapped(store, ids, path),
  };
}

/** How a step in the namespace meets the caller's stdio: its stdout captured, or stdio passed
 * through (stdin when asked for); without either, output is dropped and errors shown on failure. */
type MappedIo = { readonly capture: (chunk: Buffer) => void } | { readonly stdin: boolean };

/** Run `steps` then `argv` as root of the mapped user namespace; resolves to the exit status. */
function runMapped(store: Store, ids: SubordinateIds, steps: readonly Op[], argv: readonly string[], io?: MappedIo): Promise<number> {
  const passthrough = io !== undefined && 'stdin' in io;
  return runHelper(store, [{ op: 'spawn', namespaces: ['user'] }, { op: 'sync' }, ...steps, { op: 'exec', env: [], argv }], {
    stdin: passthrough && io.stdin,
    tty: false,
    quiet: !passthrough,
    onSync: (pid) => mapSubordinateIds(ids, pid),
    ...(io !== undefined && 'capture' in io ? { onStdout: io.capture } : {}),
  });
}

/** What `argv` writes to stdout in the mapped namespace; `failed` words the error otherwise. */
async function outputMapped(store: Store, ids: SubordinateIds, argv: readonly string[], failed: (status: number) => string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const code = await runMapped(store, ids, [], argv, { capture: (c) => chunks.push(c) });
  if (code !== 0) throw new StrataError(failed(code));
  return Buffer.concat(chunks);
}

/** strata itself with ARGS after `--root STORE`, as helper tokens. */
function selfArgv(store: Store, args: readonly string[]): string[] {
  return [...selfCommand(), '--root', store.root, ...args].map(bytesOfUserString);
}

/** The caller's subordinate ids, which a store with `mapped` was opened with. */
function callerIds(): SubordinateIds {
  const ids = subordinateIds();
  if (!ids) throw new StrataError('no subordinate ids to map');
  return ids;
}

/** A program on the host for the last step (coreutils are everywhere strata runs). */
function hostProgram(name: string): string {
  return [`/usr/bin/${name}`, `/bin/${name}`].find((p) => existsSync(p)) ?? name;
}

/** Files the caller made (image id 0) get their entries' owners. */
async function ownEntries(store: Store, ids: SubordinateIds, root: string, entries: Iterable<IndexEntry>): Promise<void> {
  const host = bytesOfUserString(root);
  let steps: Op[] = [];
  let bytes = 0;
  const flush = async () => {
    if (steps.length === 0) return;
    const code = await runMapped(store, ids, steps, [hostProgram('true')]);
    if (code !== 0) throw new StrataError(`cannot give files their image owners in the user namespace (status ${code})`);
    steps = [];
    bytes = 0;
  };
  for (const e of entries) {
    if (e.uid === 0 && e.gid === 0) continue;
    if (e.hardlinkOf !== undefined) continue;
    if (e.uid > ids.uids.count || e.gid > ids.gids.count) {
      throw new StrataError(`layer entry "${displayPath(e.path)}": owner ${e.uid}:${e.gid} is outside the subordinate ids mapped for this user (${ids.uids.count} uids, ${ids.gids.count} gids in /etc/subuid and /etc/subgid)`);
    }
    const path = e.path === ROOT ? host : host + e.path;
    steps.push({ op: 'own', path, uid: e.uid, gid: e.gid, mode: e.mode });
    bytes += path.length + 32;
    if (bytes >= PROGRAM_BYTES) await flush();
  }
  await flush();
}

/** rm -rf PATH inside the mapped user namespace. */
async function removeMapped(store: Store, ids: SubordinateIds, path: string): Promise<void> {
  const code = await runMapped(store, ids, [], [hostProgram('rm'), '-rf', '--', bytesOfUserString(path)]);
  if (code !== 0) throw new StrataError(`cannot remove ${path} (rm in a user namespace: status ${code})`);
}

/** strata itself, for an internal job (app/internal-jobs.ts), as root of the mapped user
 * namespace: for work that walks trees only mapped owners may enter. Its stdout; its errors go to
 * stderr. */
export function runJobMapped(store: Store, job: InternalJobName, args: readonly string[]): Promise<Buffer> {
  const argv = selfJobCommand(job, store.root, args).map(bytesOfUserString);
  return outputMapped(store, callerIds(), argv, (code) => `strata's ${job} job in a user namespace failed (status ${code})`);
}

/** strata itself, with ARGS after `--root STORE`, as root of the mapped user namespace — a new
 * one, or that of the running sandbox process `join` names — on the caller's own stdio (stdin
 * when asked for): a whole command done there. Its exit status. */
export function rerunMapped(store: Store, args: readonly string[], o: { stdin: boolean; join?: SandboxProcess }): Promise<number> {
  const exec: Op = { op: 'exec', env: [], argv: selfArgv(store, args) };
  if (!o.join) return runMapped(store, callerIds(), [], exec.argv, { stdin: o.stdin });
  const { pid, startTime } = o.join;
  return runHelper(store, [{ op: 'spawn', namespaces: [] }, { op: 'join', pid, startTime, namespaces: ['user'] }, exec], { stdin: o.stdin, tty: false });
}

/** cat PATH inside the mapped user namespace; its bytes. */
function readMapped(store: Store, ids: SubordinateIds, path: Buffer): Promise<Buffer> {
  const text = path.toString('latin1');
  return outputMapped(store, ids, [hostProgram('cat'), '--', text], (code) => `cannot read ${displayPath(text)} (cat in a user namespace: status ${code})`);
}
