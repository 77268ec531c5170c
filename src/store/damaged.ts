// The error for a store record that fails its check when it is read. The store's files are input
// like any other — a restored backup, a disk error, a hand edit, another user with write access —
// so a record is checked where it is read, and one that fails is never used. `strata check` runs
// the same checks over every record and reports each failure as "WHAT: REASON".

import { StrataError } from '../base/errors.js';

export class DamagedRecord extends StrataError {
  /** `what` names the record ("image sha256:…", "tag busybox:latest"); `reason` says what is wrong. */
  constructor(readonly what: string, readonly reason: string) {
    super(`${what} is damaged (${reason}); run strata check`);
    this.name = 'DamagedRecord';
  }
}

export function damagedRecord(what: string, reason: string): DamagedRecord {
  return new DamagedRecord(what, reason);
}
