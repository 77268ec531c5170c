// `strata cp SRC DST`, Docker's form: one side is CONTAINER:PATH, the other a host path (`-` for a
// tar stream on stdout, when copying out). Copying out is copy-out.ts, in is copy-in.ts; here the
// arguments are told apart and the place a copy into a container writes is chosen.

import { closeSync } from 'node:fs';
import { UsageError } from '../base/errors.js';
import type { BytePath } from '../base/byte-path.js';
import { processIdentity } from '../store/process-identity.js';
import type { Store } from '../store/store.js';
import { openBase } from './beneath.js';
import { openContainerView, type ContainerView } from './container-view.js';
import { effectiveRecord, findContainer } from './containers.js';
import { copyIn, openRunningRoot, type CopyInPlace } from './copy-in.js';
import { copyOut, type CopyOutIo } from './copy-out.js';
import { sandboxInit } from './sandbox-process.js';

export type CpArgument = { readonly container: string; readonly path: string } | { readonly host: string };

/** Docker's rule: NAME:PATH names a container path unless it starts like a host path ("/",
 * ".", "-"); a host path holding ":" is written "./a:b". */
export function parseCpArgument(text: string): CpArgument {
  const colon = text.indexOf(':');
  if (colon <= 0 || /^[/.-]/.test(text)) return { host: text };
  return { container: text.slice(0, colon), path: text.slice(colon + 1) || '/' };
}

/** A running container's kernel file systems: never a place to copy into. */
const KERNEL_MOUNTS = ['/proc', '/sys', '/dev'] as BytePath[];

export async function copyFiles(store: Store, source: string, destination: string, io: CopyOutIo): Promise<void> {
  const from = parseCpArgument(source);
  const to = parseCpArgument(destination);
  if ('container' in from === 'container' in to) throw new UsageError('cp copies between a container and the host: exactly one of SRC and DST is CONTAINER:PATH');
  if ('container' in from && 'host' in to) {
    const cv = await openContainerView(store, findContainer(store, from.container));
    return copyOut(store, cv, from.path, to.host, io);
  }
  if ('host' in from && 'container' in to) {
    if (from.host === '-') throw new UsageError('cp - CONTAINER:PATH (a tar on stdin) is not supported; copy a file or a directory');
    const cv = await openContainerView(store, findContainer(store, to.container));
    const place = placeOf(cv);
    try {
      copyIn(cv, from.host, to.path, place, io.warn);
    } finally {
      closeSync(place.base);
    }
  }
}

/** Where a copy into the container writes (copy-in.ts says why each). */
function placeOf(cv: ContainerView): CopyInPlace {
  const running = effectiveRecord(cv.rec).state === 'running';
  if (running && cv.rec.driver === 'overlay') {
    const init = sandboxInit(cv.rec);
    const base = openRunningRoot(init.pid, () => processIdentity(init.pid) === `${init.pid}.${init.startTime}`);
    return { base, layered: false, refused: KERNEL_MOUNTS };
  }
  return { base: openBase(cv.storage), layered: !cv.wholeTree, refused: running ? KERNEL_MOUNTS : [] };
}
