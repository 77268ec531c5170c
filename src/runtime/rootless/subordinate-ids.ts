// Rootless id mapping. With newuidmap/newgidmap (Debian: uidmap) and ranges for the caller in
// /etc/subuid and /etc/subgid, a sandbox maps all of an image's owners as podman does: uid 0
// inside is the caller, 1..N inside are the subordinate range (`newuidmap PID 0 UID 1 1 START
// COUNT`). Otherwise the helper maps the caller alone (map-self): one id.

import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { StrataError } from '../../base/errors.js';

export interface IdRange {
  readonly start: number;
  readonly count: number;
}

export interface SubordinateIds {
  readonly newuidmap: string;
  readonly newgidmap: string;
  readonly uid: number;
  readonly gid: number;
  /** The first range of each file that names the caller (by name or by uid). */
  readonly uids: IdRange;
  readonly gids: IdRange;
}

/** The first range for the user in a subuid/subgid file's text. */
export function rangeFor(text: string, name: string, id: number): IdRange | undefined {
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if (who !== name && who !== String(id)) continue;
    const s = Number(start), c = Number(count);
    if (Number.isSafeInteger(s) && Number.isSafeInteger(c) && s > 0 && c > 0) return { start: s, count: c };
  }
  return undefined;
}

function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/bin', '/usr/sbin', '/bin', '/sbin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The caller's subordinate ids, when every piece is there; undefined as root or without them. */
export function subordinateIds(): SubordinateIds | undefined {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid === 0) return undefined;
  const newuidmap = findProgram('newuidmap');
  const newgidmap = findProgram('newgidmap');
  if (!newuidmap || !newgidmap) return undefined;
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = String(uid);
  }
  const uids = rangeFor(readText('/etc/subuid'), name, uid);
  const gids = rangeFor(readText('/etc/subgid'), name, uid);
  if (!uids || !gids) return undefined;
  return { newuidmap, newgidmap, uid, gid, uids, gids };
}

/** What `info` says about the mapping. */
export function describeMapping(ids: SubordinateIds | undefined): string {
  return ids
    ? `rootless: user namespace with subordinate ids ${ids.uids.start}-${ids.uids.start + ids.uids.count - 1} (newuidmap)`
    : 'rootless: one id mapped (no newuidmap or no /etc/subuid range)';
}

/** Write the maps of the process PID (a helper child waiting at `sync`). */
export function mapSubordinateIds(ids: SubordinateIds, pid: number): void {
  const run = (program: string, self: number, range: IdRange) => {
    try {
      execFileSync(program, [String(pid), '0', String(self), '1', '1', String(range.start), String(range.count)], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
      throw new StrataError(`${program} failed${stderr ? `: ${stderr}` : ''}`, { cause: err, exitCode: 125 });
    }
  };
  run(ids.newuidmap, ids.uid, ids.uids);
  run(ids.newgidmap, ids.gid, ids.gids);
}

/** Whether this process runs in a user namespace other than the host's (its uid map is not the
 * identity over all ids): root there is not root of the host. */
export function inUserNamespace(): boolean {
  return readText('/proc/self/uid_map').trim().split(/\s+/).join(' ') !== '0 0 4294967295';
}
