// `strata cp SRC DST`, Docker's form: one side is CONTAINER:PATH, the other a host path, or `-`: a
// tar on stdout (copying out) or stdin (copying in, into a directory). Copying out is copy-out.ts,
// in is copy-in.ts; here the arguments are told apart and the place a copy into a container
// writes is chosen.

import { closeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError, UsageError } from '../../base/errors.js';
import { displayPath, unescapePath, type BytePath } from '../../base/byte-path.js';
import { resolvePath } from '../../resolver/symlinks.js';
import { processIdentity } from '../../store/process-identity.js';
import { createStagingDir, removeTree } from '../../store/staging.js';
import type { Store } from '../../store/store.js';
import { openBase } from '../containers/beneath.js';
import { openContainerView, type ContainerView } from '../containers/view.js';
import { effectiveRecord, findContainer, type ContainerRecord } from '../containers/records.js';
import { copyIn, openRunningRoot, placeFile, type CopyInPlace, type Owner } from './copy-in.js';
import { copyOut, type CopyOutIo } from './copy-out.js';
import { thawAbandonedPause } from '../containers/pause.js';
import { sandboxProcess } from '../containers/sandbox-process.js';
import { setXattrSync } from '../helper/process.js';
import { opaqueXattr } from '../drivers/upper-index.js';

/** `path` is a byte string: typed in the text form of byte-path.ts (\xNN a byte, \\ a backslash). */
type CpArgument = { readonly container: string; readonly path: string } | { readonly host: string };

/** Docker's rule: NAME:PATH names a container path unless it starts like a host path ("/",
 * ".", "-"); a host path holding ":" is written "./a:b". */
function parseCpArgument(text: string): CpArgument {
  const colon = text.indexOf(':');
  if (colon <= 0 || /^[/.-]/.test(text)) return { host: text };
  return { container: text.slice(0, colon), path: unescapePath(text.slice(colon + 1) || '/') };
}

/** A running container's kernel file systems: never a place to copy into. */
const KERNEL_MOUNTS = ['/proc', '/sys', '/dev'] as BytePath[];

export interface CopyIo extends CopyOutIo {
  /** The tar for `cp - CTR:DIR`. */
  readonly stdin: () => AsyncIterable<Uint8Array>;
}

/** `cp` for a rootless store with subordinate ids, whose containers hold files only their mapped
 * owners may read or write: the same command, as root of the container's user namespace while it
 * runs (its /proc/PID/root is reachable from there), else of a new one with the same mapping
 * (rootless/mapped-root.ts). Its exit status. */
export async function copyFilesAsMappedRoot(store: Store, source: string, destination: string): Promise<number> {
  const from = parseCpArgument(source);
  const to = parseCpArgument(destination);
  const named = 'container' in from ? from.container : 'container' in to ? to.container : undefined;
  const rec = named === undefined ? undefined : effectiveRecord(findContainer(store, named));
  const { rerunMapped } = await import('../rootless/mapped-root.js');
  return rerunMapped(store, ['cp', source, destination], {
    stdin: source === '-',
    ...(rec?.state === 'running' ? { join: sandboxProcess(rec) } : {}),
  });
}

export async function copyFiles(store: Store, source: string, destination: string, io: CopyIo): Promise<void> {
  const from = parseCpArgument(source);
  const to = parseCpArgument(destination);
  if ('container' in from === 'container' in to) throw new UsageError('cp copies between a container and the host: exactly one of SRC and DST is CONTAINER:PATH');
  if (('host' in from && from.host === '') || ('host' in to && to.host === '')) throw new UsageError('cp: the host path is empty');
  if ('container' in from && 'host' in to) {
    const cv = await openContainerView(store, await touchedContainer(store, from.container));
    return copyOut(store, cv, from.path, to.host, io);
  }
  if ('host' in from && 'container' in to) {
    const cv = await openContainerView(store, await touchedContainer(store, to.container));
    if (from.host === '-') return copyTarIn(store, cv, to.path, io);
    const place = placeOf(store, cv);
    try {
      copyIn(cv, from.host, to.path, place, io.warn);
    } finally {
      closeSync(place.base);
    }
  }
}

/** `cp - CTR:DIR`: the tar unpacked into staging (safely: the unpacker's rules), then its top
 * entries copied into DIR, links as links. */
async function copyTarIn(store: Store, cv: ContainerView, unsafeDir: string, io: CopyIo): Promise<void> {
  const dir = resolvePath(cv.tree, unsafeDir).entry;
  if (dir?.entry.type !== 'dir') throw new StrataError(`${displayPath(unsafeDir)}: not a directory in container ${cv.rec.name} (a tar is extracted into a directory)`);
  const staging = createStagingDir(store);
  try {
    const { unpackLayer } = await import('../../import/unpack.js');
    await unpackLayer(io.stdin(), staging);
    const rootfs = join(staging, 'rootfs');
    const place = placeOf(store, cv);
    try {
      for (const name of readdirSync(rootfs).sort()) copyIn(cv, join(rootfs, name), `${unsafeDir}/`, place, io.warn, false);
    } finally {
      closeSync(place.base);
    }
  } finally {
    removeTree(staging);
  }
}

/** A file to put into a container before it starts: its path there, its bytes, its mode. */
export interface NewFile {
  readonly path: string;
  readonly data: Uint8Array;
  readonly mode: number;
}

/** Files placed into a container that has not started (a batch job's `files`), owned by `owner`
 * (copy-in.ts, placeFile). */
export async function placeFiles(store: Store, rec: ContainerRecord, files: readonly NewFile[], owner: Owner): Promise<void> {
  const cv = await openContainerView(store, rec);
  const place = placeOf(store, cv);
  try {
    for (const f of files) placeFile(cv, f.path, f.data, f.mode, owner, place);
  } finally {
    closeSync(place.base);
  }
}

/** The container named, a freeze left on it by a dead `commit` undone first (pause.ts). */
async function touchedContainer(store: Store, text: string): Promise<ContainerRecord> {
  const rec = findContainer(store, text);
  await thawAbandonedPause(store, rec);
  return rec;
}

/** Where a copy into the container writes (copy-in.ts says why each). */
function placeOf(store: Store, cv: ContainerView): CopyInPlace {
  const running = effectiveRecord(cv.rec).state === 'running';
  const markOpaque = (fd: number) => setXattrSync(store, fd, opaqueXattr(), 'y');
  if (running && cv.rec.driver === 'overlay') {
    const target = sandboxProcess(cv.rec);
    const base = openRunningRoot(target.pid, () => processIdentity(target.pid) === `${target.pid}.${target.startTime}`);
    return { base, layered: false, refused: KERNEL_MOUNTS, markOpaque };
  }
  return { base: openBase(cv.storage), layered: !cv.wholeTree, refused: running ? KERNEL_MOUNTS : [], markOpaque };
}
