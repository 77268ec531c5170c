// Who owns a piece of staging, a lease or a lock: a process, identified by its pid *and* its start
// time, so a recycled pid is never taken for the process that created the file.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** "<pid>.<start time in clock ticks since boot>" for a pid, or undefined if it is not running. */
export function processIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 3 (state) and field 22 (starttime) follow the command name, which is in parentheses
    // and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie (exited, not yet reaped by its parent) keeps its /proc entry and start time, but
    // will never finish what it started: what it owns is as abandoned as a dead process's.
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return `${pid}.${fields[19]}`;
  } catch {
    return undefined;
  }
}

let own: string | undefined;
export function ownIdentity(): string {
  own ??= processIdentity(process.pid) ?? `${process.pid}.0`;
  return own;
}

/** Is the process that wrote `identity` ("<pid>.<start>") still running? */
export function isAlive(identity: string): boolean {
  const pid = Number(identity.split('.')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  return processIdentity(pid) === identity;
}

/** A fresh name that says which process made it, "<pid>.<start>.<random>": staging, leases and
 * the like, swept once their process is dead. */
export function ownedName(): string {
  return `${ownIdentity()}.${randomBytes(6).toString('hex')}`;
}

/** The identity an ownedName() begins with. */
export function ownerOf(name: string): string {
  return name.split('.').slice(0, 2).join('.');
}
