// Where `save` and `export` write an archive: to stdout, or to a file written beside its place
// and renamed there when complete, so FILE is never half an archive. The partial file is named
// after its writer, ".FILE.<pid>.<start>.<rand>.part": an interrupt (SIGINT, SIGTERM, SIGHUP)
// removes it before strata dies; one left by a writer that could not (SIGKILL) is removed by the
// next `save` or `export` to the same FILE, once that writer is dead.

import { createWriteStream, lstatSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { StrataError, UsageError } from '../base/errors.js';
import { undoneOnInterrupt } from '../base/interrupts.js';
import { isAlive, ownedName } from '../store/process-identity.js';

/** To a file, or to stdout for none or "-" (never a TTY). */
export async function writeOutput(file: string | undefined, produce: (out: Writable) => Promise<void>): Promise<void> {
  if (file === undefined || file === '-') {
    if (process.stdout.isTTY) throw new UsageError('refusing to write an archive to a terminal: use -o FILE or redirect stdout');
    await produce(process.stdout);
    return;
  }
  removeDeadPartials(file);
  const tmp = join(dirname(file), `.${basename(file)}.${ownedName()}.part`);
  const remove = () => rmSync(tmp, { force: true });
  await undoneOnInterrupt(remove, async () => {
    // 'wx': a name no one else made, not a link planted there.
    const out = createWriteStream(tmp, { mode: 0o644, flags: 'wx' });
    const opened = new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    try {
      await opened;
      await produce(out);
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      renameSync(tmp, file);
    } catch (err) {
      out.destroy();
      remove();
      throw err instanceof StrataError ? err : new StrataError(`cannot write ${file}`, { cause: err });
    }
  });
}

/** Partial files of `file` whose writers died (killed with SIGKILL), and which are ours: regular
 * files of this user, so a name made to look like one costs nobody else a file. */
function removeDeadPartials(file: string): void {
  const prefix = `.${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(file)).filter((n) => n.startsWith(prefix) && n.endsWith('.part'));
  } catch {
    return;   // writing there fails next, and says why
  }
  for (const name of names) {
    const owner = /^(\d+\.\d+)\.[0-9a-f]+\.part$/.exec(name.slice(prefix.length))?.[1];
    if (owner === undefined || isAlive(owner)) continue;
    const path = join(dirname(file), name);
    try {
      const st = lstatSync(path);
      if (st.isFile() && st.uid === process.getuid?.()) rmSync(path, { force: true });
    } catch {
      // Removed by another strata meanwhile.
    }
  }
}
