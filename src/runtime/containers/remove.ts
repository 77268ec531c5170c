// `rm [-f]`: a running container is refused unless forced; forced, its helper is killed (the
// sandbox dies with it: PR_SET_PDEATHSIG) and strata waits for it to be gone before removing the
// directory that held its root.

import { StrataError } from '../../base/errors.js';
import { isAlive } from '../../store/process-identity.js';
import type { Store } from '../../store/store.js';
import { deleteContainer, effectiveRecord, findContainer } from './records.js';
import { thawAbandonedPause } from './pause.js';

export async function removeContainer(store: Store, text: string, options: { force: boolean }): Promise<void> {
  const rec = effectiveRecord(findContainer(store, text));
  if (rec.state === 'running') {
    if (!options.force) throw new StrataError(`cannot remove container ${text}: it is running (use -f to kill and remove it)`);
    await thawAbandonedPause(store, rec);
    if (rec.pid !== undefined) {
      try {
        process.kill(rec.pid, 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
    // The owning strata records the exit; wait (a little) until the helper is gone.
    for (let i = 0; i < 500 && rec.pid !== undefined && pidAlive(rec.pid); i++) await new Promise((r) => setTimeout(r, 10));
    if (rec.owner && isAlive(rec.owner)) await new Promise((r) => setTimeout(r, 50));
  }
  await deleteContainer(store, rec);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
