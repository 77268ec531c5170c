// What a strata process killed mid-run leaves, cleaned by the next runtime command: the cgroups
// of dead strata processes (their sandboxes died with them: the helper's PR_SET_PDEATHSIG),
// container records still saying "running" (they are marked exited, status 255, as Docker marks
// a container whose status it could not learn), running containers left frozen by a `commit`
// that died holding the freeze (pause.ts), and exit notes past their time (exit-notes.ts). Mounts
// need no sweeping: they only ever exist in the sandbox's own mount namespace, which is gone with
// its last process.

import type { Store } from '../../store/store.js';
import { detectCgroups, sweepStaleCgroups, type Cgroups } from '../cgroups/detect.js';
import { effectiveRecord, listContainers, updateContainer } from './records.js';
import { thawAbandonedPause } from './pause.js';
import { removeOldExitNotes } from './exit-notes.js';

export async function sweepDeadContainers(store: Store, cgroups: Cgroups | undefined = detectCgroups()): Promise<void> {
  if (cgroups && process.getuid?.() === 0) sweepStaleCgroups(cgroups);
  removeOldExitNotes(store);
  for (const rec of listContainers(store)) {
    if (rec.state !== 'running') continue;
    const seen = effectiveRecord(rec);
    if (seen.state === 'exited') updateContainer(store, rec.id, { state: 'exited', exitCode: seen.exitCode, finished: seen.finished! });
    else await thawAbandonedPause(store, rec, cgroups);
  }
}
