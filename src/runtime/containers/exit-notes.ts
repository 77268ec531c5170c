// `id=$(strata run -d --rm busybox sh -c 'exit 7'); strata wait $id` prints 7, and `logs` prints
// what it wrote, although --rm removes the container the moment it exits — often before `wait`
// has even started. Docker's daemon keeps the status for the waiters it already has and a later
// `docker wait` races the removal; strata has no daemon, so the supervisor leaves an exit note
// before it removes the container: ROOT/exited/<id>/ holding exit.json (id, name, exit status,
// when it finished) and the container's two logs, hard links to the same files (no copy, and a
// `logs -f` reading them carries on from its offsets). The note is published by one rename, after
// the exit status is recorded and before the container goes, so a reader finds the one or the
// other. `wait` and `logs` look a container up in the notes when it is no longer there (by full
// id, unique id prefix or the name it had); `ps` and `rm` do not see notes, and its name is free
// again, as Docker's is. A note is removed NOTE_LIFETIME_MS after the container finished, by the
// next note written or the next sweep (sweep.ts).

import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../base/errors.js';
import { createStagingDir, removeTree } from '../../store/staging.js';
import type { Store } from '../../store/store.js';
import { isContainerId } from './names.js';
import { LOG_FILES, containerDir, type ContainerRecord } from './records.js';

export const NOTE_LIFETIME_MS = 10 * 60 * 1000;

export interface ExitNote {
  readonly id: string;
  readonly name: string;
  readonly exitCode: number;
  readonly finished: string;
  /** The directory holding its logs (LOG_FILES). */
  readonly dir: string;
}

/** Leaves the note of `rec`, which has exited, before it is removed. */
export function writeExitNote(store: Store, rec: ContainerRecord): void {
  const staged = createStagingDir(store);
  const note = { id: rec.id, name: rec.name, exitCode: rec.exitCode ?? 255, finished: rec.finished ?? new Date().toISOString() };
  writeFileSync(join(staged, 'exit.json'), JSON.stringify(note) + '\n', { mode: 0o600 });
  for (const file of Object.values(LOG_FILES)) {
    try {
      linkSync(join(containerDir(store, rec.id), file), join(staged, file));
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
  }
  mkdirSync(store.paths.exited, { recursive: true, mode: 0o700 });
  renameSync(staged, join(store.paths.exited, rec.id));
  removeOldExitNotes(store);
}

/** The note of a removed container named by `text` (full id, unique id prefix, or name; the most
 * recent of several with one name), if there is one. */
export function findExitNote(store: Store, text: string): ExitNote | undefined {
  const notes = listExitNotes(store);
  const exact = notes.find((n) => n.id === text);
  if (exact !== undefined) return exact;
  const byPrefix = /^[0-9a-z]+$/.test(text) ? notes.filter((n) => n.id.startsWith(text)) : [];
  if (byPrefix.length === 1) return byPrefix[0];
  return notes.filter((n) => n.name === text).sort((a, b) => b.finished.localeCompare(a.finished))[0];
}

/** Removes the notes of containers that finished more than NOTE_LIFETIME_MS ago. */
export function removeOldExitNotes(store: Store, now = Date.now()): void {
  for (const note of listExitNotes(store)) {
    if (now - Date.parse(note.finished) > NOTE_LIFETIME_MS) removeTree(note.dir);
  }
}

function listExitNotes(store: Store): ExitNote[] {
  let ids: string[];
  try {
    ids = readdirSync(store.paths.exited);
  } catch {
    return [];
  }
  return ids.filter(isContainerId).flatMap((id) => {
    const dir = join(store.paths.exited, id);
    try {
      const doc = JSON.parse(readFileSync(join(dir, 'exit.json'), 'utf8')) as Record<string, unknown>;
      const { name, exitCode, finished } = doc;
      if (doc.id !== id || typeof name !== 'string' || !Number.isInteger(exitCode) || typeof finished !== 'string') return [];
      return [{ id, name, exitCode: exitCode as number, finished, dir }];
    } catch {
      return [];
    }
  });
}
