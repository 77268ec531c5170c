// `-u USER[:GROUP]` and the image's User, resolved the way runc's GetExecUser does it against the
// image's own /etc/passwd and /etc/group (never the host's): names must exist there, numbers need
// not; without an explicit group the user's primary group and the groups that list the user by
// name apply; HOME comes from the passwd entry, else "/".

import { StrataError, invalidValue } from '../../base/errors.js';

export interface ExecUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups. */
  readonly groups: readonly number[];
  readonly home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) continue;
    const uid = numeric(f[2]!);
    const gid = numeric(f[3]!);
    if (uid === undefined || gid === undefined) continue;
    out.push({ name: f[0]!, uid, gid, home: f[5]! });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) continue;
    const gid = numeric(f[2]!);
    if (gid === undefined) continue;
    out.push({ name: f[0]!, gid, members: f[3]!.split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

function numeric(s: string): number | undefined {
  return /^\d{1,10}$/.test(s) && Number(s) <= 0xffffffff - 1 ? Number(s) : undefined;
}

/** -u's value, before any image is read: USER[:GROUP], each a name or a number. */
export function checkUserFlag(text: string): void {
  if (text === '' || text.split(':').length > 2 || text.split(':').includes('')) throw invalidValue('--user', text, 'USER[:GROUP], each a name or a number');
}

/** Resolve `spec` ("", "name", "1000", "name:group", "1000:1000"); files absent are empty. */
export function resolveUser(spec: string, passwdText = '', groupText = ''): ExecUser {
  const [userPart = '', groupPart, ...rest] = spec.split(':');
  if (rest.length > 0) throw new StrataError(`invalid user "${spec}": expected USER[:GROUP]`, { exitCode: 125 });
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);

  const wantedUid = userPart === '' ? 0 : numeric(userPart);
  const entry = wantedUid === undefined ? passwd.find((p) => p.name === userPart) : passwd.find((p) => p.uid === wantedUid);
  if (wantedUid === undefined && entry === undefined) {
    throw new StrataError(`unable to find user ${userPart}: no matching entries in passwd file`, { exitCode: 125 });
  }
  const uid = wantedUid ?? entry!.uid;
  let gid = entry?.gid ?? 0;
  let supplementary: number[] = [];

  if (groupPart !== undefined && groupPart !== '') {
    const wantedGid = numeric(groupPart);
    if (wantedGid !== undefined) gid = wantedGid;
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw new StrataError(`unable to find group ${groupPart}: no matching entries in group file`, { exitCode: 125 });
      gid = g.gid;
    }
  } else if (entry !== undefined) {
    supplementary = groups.filter((g) => g.members.includes(entry.name)).map((g) => g.gid);
  }
  return { uid, gid, groups: [...new Set(supplementary)], home: entry?.home || '/' };
}
