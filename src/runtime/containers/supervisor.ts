// Detached containers (-d, `start`). A supervisor — strata itself, started again in a session of
// its own for an internal job (app/internal-jobs.ts) — runs the container the way a foreground `run` does, with its
// stdout and stderr appended to files in the container's directory (`logs`), and records its exit
// status. It owns the container while it runs (the record's owner), so a supervisor killed with
// SIGKILL leaves a container that the next command shows as exited, and its sandbox dies with it.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../../base/errors.js';
import type { Store } from '../../store/store.js';
import { LOG_FILES, containerDir, readContainer, type ContainerRecord } from './records.js';
import { writeExitNote } from './exit-notes.js';
import { selfJobCommand } from '../../base/self-command.js';
import { startContainer } from './start.js';

/** Start the container under a supervisor; resolves once it runs. */
export async function startDetached(store: Store, id: string): Promise<void> {
  const [cmd, ...args] = selfJobCommand('supervise', store.root, [id]);
  const before = readContainer(store, id).started;
  const child = spawn(cmd!, args, { detached: true, stdio: 'ignore', env: process.env });
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  for (let waited = 0; ; waited += 10) {
    const rec = readRecord(store, id);
    if (rec === undefined) {
      // Removed (--rm): it ran and is done already, or it could not start and went with its logs.
      // (Polled: the supervisor is unref'd, and an exit event alone keeps no loop alive.)
      for (let more = 0; exited === undefined && more < 30_000; more += 10) await new Promise((r) => setTimeout(r, 10));
      if (exited === 125) throw new StrataError(`container ${id.slice(0, 12)} did not start`, { exitCode: 125 });
      return;
    }
    if (rec.state === 'running' && rec.started !== before) return;
    if (exited !== undefined || waited > 30_000) {
      if (rec.state === 'exited' && rec.started !== before) return; // It ran, and is done already.
      const errors = readTail(join(containerDir(store, id), LOG_FILES.stderr));
      throw new StrataError(`container ${id.slice(0, 12)} did not start${errors ? `: ${errors}` : ''}`, { exitCode: 125 });
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The supervisor's own work (its internal job). */
export async function supervise(store: Store, id: string): Promise<number> {
  const dir = containerDir(store, id);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND;
  const stdout = openSync(join(dir, LOG_FILES.stdout), flags, 0o600);
  const stderr = openSync(join(dir, LOG_FILES.stderr), flags, 0o600);
  try {
    return await startContainer(store, id, {
      stdin: false,
      output: { stdout, stderr, writeError: (line) => writeSync(stderr, line) },
      // -d --rm: what `wait` and `logs` need outlives the container (exit-notes.ts).
      beforeRemoval: (rec) => writeExitNote(store, rec),
    });
  } catch (err) {
    writeSync(stderr, `strata: ${err instanceof Error ? err.message : String(err)}\n`);
    return 125;
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
}

function readRecord(store: Store, id: string): ContainerRecord | undefined {
  try {
    return readContainer(store, id);
  } catch {
    return undefined;
  }
}

function readTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' ');
  } catch {
    return '';
  }
}
