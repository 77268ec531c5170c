// How strata starts itself again (a detached container's supervisor, work inside a user
// namespace): the single binary, or node with the same script and flags when run from source.

import * as sea from 'node:sea';

export function selfCommand(): string[] {
  return sea.isSea() ? [process.execPath] : [process.execPath, ...process.execArgv, process.argv[1]!];
}
