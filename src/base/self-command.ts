// How strata starts itself again (a detached container's supervisor, work inside a user
// namespace): the single binary, or node with the same script and flags when run from source.

import * as sea from 'node:sea';

export function selfCommand(): string[] {
  return sea.isSea() ? [process.execPath] : [process.execPath, ...process.execArgv, process.argv[1]!];
}

/** First on strata's command line, this names one of its internal jobs (app/internal-jobs.ts)
 * instead of a command: work strata starts itself again for, which no user asks for by name.
 * src/main.ts answers it before any command-line parsing, so no CLI command is hidden. */
export const INTERNAL_JOB = '--internal-job';

/** A detached container's supervisor (runtime/containers/supervisor.ts); a rootless container's
 * writable layer read, and its layer tar written, as root of the mapped user namespace
 * (runtime/containers/mapped-layer.ts, runtime/changes/mapped-changes.ts). */
export type InternalJobName = 'supervise' | 'writable-layer' | 'commit-layer';

/** strata started again for `job` on the store at `root`. */
export function selfJobCommand(job: InternalJobName, root: string, args: readonly string[]): string[] {
  return [...selfCommand(), INTERNAL_JOB, job, root, ...args];
}
