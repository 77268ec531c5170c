// Every host file strata writes at a path the user names — `save -o`, `export -o`, `cp CTR:PATH
// HOSTPATH` — goes through here, with one rule for what is already at the path:
//   - nothing, or a regular file: the bytes go to a temporary file beside it (partPath), renamed
//     over the path once complete, so no reader sees half an archive and a failure leaves the old
//     file as it was;
//   - a character or block device, or a FIFO: written into, never replaced, as `tar -f` and a
//     shell's `>` do. Replacing it would turn the host's /dev/null into a regular file (every
//     later sandbox's /dev/null mask then fails) and leave a FIFO's reader waiting for nothing;
//   - a socket: connected to, and written into;
//   - a directory: refused.
// The temporary file is named after its writer (".FILE.<pid>.<start>.<rand>.part"): an interrupt
// (SIGINT, SIGTERM, SIGHUP) removes it before strata dies of it, and one left by a writer that
// could not (SIGKILL) is removed by the next write to the same FILE, once that writer is dead.
// A symbolic link is followed, as tar, cp and the shell follow one, and the rule applies to what
// it names: a regular file there is replaced (the link stays a link), a device written into. The
// kernel follows it (open), so fs.protected_symlinks still refuses a link planted in a sticky
// directory such as /tmp; a link to nothing is refused rather than creating a file wherever it
// points.

import { once } from 'node:events';
import { closeSync, constants, createWriteStream, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, type Stats, type WriteStream } from 'node:fs';
import { createConnection } from 'node:net';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { StrataError, errnoOf, reasonOf } from '../base/errors.js';
import { undoneOnInterrupt } from '../base/interrupts.js';
import { isAlive, ownedName } from '../store/process-identity.js';

export interface OutputFile {
  /** The descriptor the bytes go to (the temporary file, the device or the FIFO), for writers
   * that write synchronously; undefined for a socket, which takes them through `stream`. */
  readonly fd: number | undefined;
  /** True when a regular file is written and renamed into place: only then may the writer give
   * it a mode and times (a device keeps its own). */
  readonly replaces: boolean;
  /** A stream over the same output, made on first use. */
  stream(): Writable;
  /** Flushes and closes the output; renames a replacing file into place. */
  commit(): Promise<void>;
  /** Closes the output and removes the temporary file, if any. Never throws. */
  abort(): void;
}

/** Opens `path` for writing by the rule above. For a FIFO it waits for a reader, as `>` does. */
export async function openOutputFile(path: string): Promise<OutputFile> {
  try {
    const target = targetOf(path);
    if (target.kind === 'replace') return replacing(target.path);
    if (target.kind === 'into') return writingInto(target.fd);
    return await connected(path);
  } catch (err) {
    throw outputFailure(path, err);
  }
}

/** `produce` writes into `path` (by the rule above); done once it is complete and in place. */
export async function writeOutputFile(path: string, produce: (out: Writable) => Promise<void>): Promise<void> {
  const out = await openOutputFile(path);
  await undoneOnInterrupt(() => out.abort(), async () => {
    try {
      await produceInto(out.stream(), path, produce);
      await out.commit();
    } catch (err) {
      out.abort();
      throw err instanceof StrataError ? err : outputFailure(path, err);
    }
  });
}

/** Runs `produce` into `out`. When `out` itself fails (a full disk, a reader gone), that failure
 * is the error, "cannot write WHERE: …", whatever the producer made of it meanwhile: a layer
 * that could not be written is not a layer that could not be read. */
export async function produceInto(out: Writable, where: string, produce: (out: Writable) => Promise<void>): Promise<void> {
  let broken: unknown;
  const record = (err: unknown) => {
    broken ??= err;
  };
  // Kept to the end: an error emitted while the output is flushed and closed is then handled
  // too (the close reports it again).
  out.on('error', record);
  try {
    await produce(out);
  } catch (err) {
    const failed = broken ?? (err instanceof OutputBroken ? err.cause : undefined);
    throw failed === undefined ? err : outputFailure(where, failed);
  }
}

/** A failure of the output itself, met by a producer that writes to its descriptor directly
 * (buffered-tar.ts) rather than through the stream: produceInto names the output for it. */
export class OutputBroken extends StrataError {
  constructor(cause: unknown) {
    super('cannot write the output', { cause });
  }
}

/** The temporary name a regular file is written under: beside it (a rename stays on one file
 * system), hidden, named after its writer, ending in ".part"; the name cut so the whole fits in
 * 255 bytes. */
export function partPath(path: string): string {
  return join(dirname(path), `${partPrefix(path)}${ownedName()}.part`);
}

function partPrefix(path: string): string {
  let name = basename(path);
  while (Buffer.byteLength(name) > 200) name = name.slice(0, -1);
  return `.${name}.`;
}

/** Partial files of `path` whose writers died (killed with SIGKILL), and which are ours: regular
 * files of this user, so a name made to look like one costs nobody else a file. */
function removeDeadPartials(path: string): void {
  const prefix = partPrefix(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path)).filter((n) => n.startsWith(prefix) && n.endsWith('.part'));
  } catch {
    return;   // writing there fails next, and says why
  }
  for (const name of names) {
    const owner = /^(\d+\.\d+)\.[0-9a-f]+\.part$/.exec(name.slice(prefix.length))?.[1];
    if (owner === undefined || isAlive(owner)) continue;
    const part = join(dirname(path), name);
    try {
      const st = lstatSync(part);
      if (st.isFile() && st.uid === process.getuid?.()) rmSync(part, { force: true });
    } catch {
      // Removed by another strata meanwhile.
    }
  }
}

type Target = { readonly kind: 'replace'; readonly path: string } | { readonly kind: 'into'; readonly fd: number } | { readonly kind: 'socket' };

function targetOf(path: string): Target {
  const st = statOf(path, lstatSync);
  if (st === undefined || st.isFile()) return { kind: 'replace', path };
  if (!st.isSymbolicLink()) return nodeTarget(path, st, constants.O_NOFOLLOW);
  const named = statOf(path, statSync);
  if (named === undefined) throw new StrataError('it is a symbolic link to nothing');
  if (named.isFile()) return { kind: 'replace', path: linkedFile(path) };
  return nodeTarget(path, named, 0);
}

/** What is not a regular file: a directory (refused), a socket, a device or FIFO (opened). */
function nodeTarget(path: string, st: Stats, flags: number): Target {
  if (st.isDirectory()) throw new StrataError('it is a directory');
  if (st.isSocket()) return { kind: 'socket' };
  // No O_CREAT, no O_TRUNC: what is there is written into as it is.
  const fd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY | flags);
  const opened = fstatSync(fd);
  if (opened.isFile() || opened.isDirectory()) {
    closeSync(fd);
    throw new StrataError('it was replaced while it was opened');
  }
  return { kind: 'into', fd };
}

/** The real path of the regular file a symbolic link names, as the kernel resolves it (so its
 * protected_symlinks rule applies); O_NONBLOCK so a FIFO swapped in meanwhile cannot hang us. */
function linkedFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new StrataError('it was replaced while it was opened');
    return readlinkSync(`/proc/self/fd/${fd}`);
  } finally {
    closeSync(fd);
  }
}

function statOf(path: string, stat: (path: string) => Stats): Stats | undefined {
  try {
    return stat(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function replacing(path: string): OutputFile {
  removeDeadPartials(path);
  const part = partPath(path);
  const fd = openSync(part, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  const output = overDescriptor(fd);
  return {
    ...output,
    replaces: true,
    async commit() {
      await output.commit();
      renameSync(part, path);
    },
    abort() {
      output.abort();
      rmSync(part, { force: true });
    },
  };
}

function writingInto(fd: number): OutputFile {
  return { ...overDescriptor(fd), replaces: false };
}

/** Once a stream is made over `fd` it owns it: Node.js closes it after the stream's last write
 * (closing it here while a write is pending in the thread pool would let that write, or the
 * stream's own close, hit whatever file opens next under the same number). */
function overDescriptor(fd: number): Omit<OutputFile, 'replaces'> {
  let stream: WriteStream | undefined;
  return {
    fd,
    stream: () => (stream ??= createWriteStream('', { fd })),
    async commit() {
      if (!stream) return closeSync(fd);
      await ended(stream);
      if (!stream.closed) await once(stream, 'close');
    },
    abort() {
      if (stream) {
        stream.destroy();
        return;
      }
      try {
        closeSync(fd);
      } catch {
        // Closing is all that is left to do; its failure changes nothing.
      }
    },
  };
}

function connected(path: string): Promise<OutputFile> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        fd: undefined,
        replaces: false,
        stream: () => socket,
        async commit() {
          // Ended and flushed: nothing more to wait for from a peer that keeps its side open.
          await ended(socket);
          socket.destroy();
        },
        abort: () => socket.destroy(),
      });
    });
  });
}

function ended(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** "cannot write WHERE: REASON" — the path the user named, never the temporary file's. */
export function outputFailure(where: string, err: unknown): StrataError {
  const reason = err instanceof StrataError ? err.message : reasonOf(err);
  return new StrataError(`cannot write ${where}: ${reason}`, { cause: err instanceof StrataError ? err.cause : err });
}
