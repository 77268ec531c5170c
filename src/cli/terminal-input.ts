// `-t` gives the command a pseudo-terminal fed from strata's stdin. From a pipe or a file that is
// wrong twice over: the terminal echoes what it is fed (`echo hi | strata run -it busybox cat`
// would print "hi" twice) and turns bytes into line discipline. Docker refuses the line with
// these words and exit status 1, before anything is created; so do `run` and `exec`.

import { StrataError } from '../base/errors.js';

export function refuseTtyWithoutTerminal(tty: boolean | undefined): void {
  if (tty === true && process.stdin.isTTY !== true) throw new StrataError('the input device is not a TTY', { exitCode: 1 });
}
