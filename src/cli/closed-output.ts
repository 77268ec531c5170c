// `strata tree debian | head -1`: the reader goes, the next write to stdout fails with EPIPE. A
// Unix filter dies of SIGPIPE then (GNU tools, docker and podman, whose Go runtime raises it for
// fd 1 and 2), and the shell sees 141: "my reader left", not an error of mine, and nothing
// printed. Node.js ignores SIGPIPE and reports the failed write as an 'error' event (a stack
// trace when nobody listens) or as a rejected write: both end here, in death by SIGPIPE after the
// undoing of the work under way (base/interrupts.ts), so a frozen container is thawed and a
// half-written file removed as for Ctrl-C.

import { StrataError, errnoOf, oneLine } from '../base/errors.js';
import { endBySignal } from '../base/interrupts.js';

/** Makes a closed stdout or stderr end strata by SIGPIPE, at whichever write finds it closed.
 * Another failure of stdout (a full disk behind it) is the writer's to report when it listens
 * (archive/output-file.ts), else one line here, once, and exit status 1. */
export function endQuietlyWhenOutputCloses(): void {
  let reported = false;
  for (const [stream, name] of [[process.stdout, 'standard output'], [process.stderr, 'standard error']] as const) {
    stream.on('error', (err) => {
      if (errnoOf(err) === 'EPIPE') return endBySignal('SIGPIPE');
      if (stream.listenerCount('error') > 1 || reported) return;
      reported = true;
      process.exitCode = 1;
      process.stderr.write(`strata: ${oneLine(new StrataError(`cannot write to ${name}`, { cause: err }))}\n`);
    });
  }
}

/** Set by `toStdout` when a writer of fd 1 (not of the stream) found it closed. */
let closedUnderneath = false;

/** True when stdout or stderr has been found closed: the failure at hand is that, whatever words
 * it carries ("cannot write to standard output: broken pipe"), and strata ends by SIGPIPE. */
export function outputClosed(): boolean {
  return closedUnderneath || [process.stdout, process.stderr].some((s) => errnoOf(s.errored) === 'EPIPE');
}

/** Runs `write`, which writes stdout's descriptor itself (an archive: buffered-tar.ts): an EPIPE
 * anywhere in what it throws is stdout found closed. */
export async function toStdout<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (brokenPipe(err)) closedUnderneath = true;
    throw err;
  }
}

function brokenPipe(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if (errnoOf(e) === 'EPIPE') return true;
  return false;
}
