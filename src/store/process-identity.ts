// Who owns a piece of staging, a lease or a lock: a process, identified by its pid *and* its start
// time, so a recycled pid is never taken for the process that created the file.

import { readFileSync } from 'node:fs';

/** "<pid>.<start time in clock ticks since boot>" for a pid, or undefined if it is not running. */
export function processIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 22 (starttime) follows the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
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
