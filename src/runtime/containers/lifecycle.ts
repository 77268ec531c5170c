// Running containers from the outside: stop (SIGTERM, then SIGKILL after a grace period), kill,
// wait, logs. Signals go to the container's helper, whose monitor forwards them into the sandbox;
// SIGKILL ends the helper itself, and the sandbox dies with it (PR_SET_PDEATHSIG).

import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { constants as os } from 'node:os';
import { StrataError, invalidValue } from '../../base/errors.js';
import type { Store } from '../../store/store.js';
import { thawAbandonedPause } from './pause.js';
import { findExitNote, type ExitNote } from './exit-notes.js';
import { LOG_FILES, containerDir, effectiveRecord, findContainer, readContainer, type ContainerRecord } from './records.js';
import { startDetached } from './supervisor.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function current(store: Store, id: string): ContainerRecord {
  return effectiveRecord(readContainer(store, id));
}

function signal(rec: ContainerRecord, sig: NodeJS.Signals): void {
  if (rec.pid === undefined) return;
  try {
    process.kill(rec.pid, sig);
  } catch {
    // Exited meanwhile.
  }
}

export function parseSignal(text: string): NodeJS.Signals {
  const name = (/^\d+$/.test(text) ? Object.entries(os.signals).find(([, n]) => n === Number(text))?.[0] : `SIG${text.toUpperCase().replace(/^SIG/, '')}`) as NodeJS.Signals | undefined;
  if (!name || !(name in os.signals)) throw invalidValue('--signal', text, 'a signal name (TERM, SIGKILL) or number');
  return name;
}

/** Resolves once the container is no longer running (or after `ms`); true when it stopped. */
async function exitedWithin(store: Store, id: string, ms: number): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 20) {
    if (current(store, id).state !== 'running') return true;
    await sleep(20);
  }
  return false;
}

export async function stopContainer(store: Store, text: string, graceSeconds: number): Promise<void> {
  const rec = effectiveRecord(findContainer(store, text));
  if (rec.state !== 'running') return;
  // A frozen process takes no signal.
  await thawAbandonedPause(store, rec);
  signal(rec, 'SIGTERM');
  if (await exitedWithin(store, rec.id, graceSeconds * 1000)) return;
  signal(rec, 'SIGKILL');
  await exitedWithin(store, rec.id, 10_000);
}

export async function killContainer(store: Store, text: string, sig: NodeJS.Signals): Promise<void> {
  const rec = effectiveRecord(findContainer(store, text));
  if (rec.state !== 'running') throw new StrataError(`container ${text} is not running`);
  await thawAbandonedPause(store, rec);
  signal(rec, sig);
  if (sig === 'SIGKILL') await exitedWithin(store, rec.id, 10_000);
}

/** The container `text` names, or the exit note of one removed at its exit (exit-notes.ts). */
function containerOrNote(store: Store, text: string): { rec: ContainerRecord } | { note: ExitNote } {
  try {
    return { rec: findContainer(store, text) };
  } catch (err) {
    const note = findExitNote(store, text);
    if (note === undefined) throw err;
    return { note };
  }
}

/** The container's record now, or undefined once it has been removed. */
function currentOrGone(store: Store, id: string): ContainerRecord | undefined {
  if (!existsSync(containerDir(store, id))) return undefined;
  try {
    return current(store, id);
  } catch (err) {
    if (existsSync(containerDir(store, id))) throw err;
    return undefined;
  }
}

/** The note of a container that was removed while we watched it: -d --rm leaves one before the
 * removal, so a container gone without one was removed by someone else (`rm -f`). */
function noteOfRemoved(store: Store, id: string, text: string): ExitNote {
  const note = findExitNote(store, id);
  if (note === undefined) throw new StrataError(`container ${text} was removed before it exited`);
  return note;
}

export async function waitContainer(store: Store, text: string): Promise<number> {
  const found = containerOrNote(store, text);
  if ('note' in found) return found.note.exitCode;
  await thawAbandonedPause(store, found.rec);
  for (;;) {
    const now = currentOrGone(store, found.rec.id);
    if (now === undefined) return noteOfRemoved(store, found.rec.id, text).exitCode;
    if (now.state === 'exited') return now.exitCode ?? 255;
    await sleep(50);
  }
}

export async function startExisting(store: Store, text: string): Promise<void> {
  const rec = effectiveRecord(findContainer(store, text));
  if (rec.state === 'running') return;
  await startDetached(store, rec.id);
}

/** Copy the container's logs to `out`/`err`; with `follow`, until it has exited. */
export async function containerLogs(store: Store, text: string, follow: boolean, out: (b: Buffer) => void, err: (b: Buffer) => void): Promise<void> {
  const found = containerOrNote(store, text);
  const dir = 'note' in found ? found.note.dir : containerDir(store, found.rec.id);
  const streams = [
    { path: join(dir, LOG_FILES.stdout), offset: 0, sink: out },
    { path: join(dir, LOG_FILES.stderr), offset: 0, sink: err },
  ];
  const drain = () => {
    for (const s of streams) {
      let fd: number;
      try {
        fd = openSync(s.path, 'r');
      } catch {
        continue;
      }
      try {
        const buf = Buffer.allocUnsafe(1 << 16);
        for (let n = readSync(fd, buf, 0, buf.length, s.offset); n > 0; n = readSync(fd, buf, 0, buf.length, s.offset)) {
          s.sink(Buffer.from(buf.subarray(0, n)));
          s.offset += n;
        }
      } finally {
        closeSync(fd);
      }
    }
  };
  if ('note' in found) return drain();
  for (;;) {
    const now = currentOrGone(store, found.rec.id);
    if (now === undefined) {
      // Removed at its exit: the note holds the same files, read on from where we are.
      const noteDir = noteOfRemoved(store, found.rec.id, text).dir;
      for (const s of streams) s.path = join(noteDir, basename(s.path));
      return drain();
    }
    drain();
    if (!follow || now.state !== 'running') return;
    await sleep(100);
  }
}

/** What the container wrote to its stdout from byte `offset` on (at most `maxBytes`, the last
 * ones), and the offset to read from next; without an offset, the last `maxBytes`. A live view
 * follows the logs by calling it again with the offset it returned. */
export function readStdoutSince(store: Store, id: string, offset: number | undefined, maxBytes = 1 << 18): { bytes: Buffer; next: number } {
  let fd: number;
  try {
    fd = openSync(join(containerDir(store, readContainer(store, id).id), LOG_FILES.stdout), 'r');
  } catch (err) {
    if (err instanceof StrataError) throw err;
    return { bytes: Buffer.alloc(0), next: offset ?? 0 };
  }
  try {
    const size = fstatSync(fd).size;
    // A log shorter than the offset was started again: read it from its start.
    const from = Math.max(offset === undefined || offset > size ? 0 : offset, size - maxBytes);
    const bytes = Buffer.allocUnsafe(size - from);
    let got = 0;
    for (let n = 1; got < bytes.length && n > 0; got += n) n = readSync(fd, bytes, got, bytes.length - got, from + got);
    return { bytes: bytes.subarray(0, got), next: from + got };
  } finally {
    closeSync(fd);
  }
}
