// Random access to the members of an image archive, which is either a directory (an OCI layout
// as `skopeo copy … oci:DIR` writes it) or a tar file (oci-archive, docker-archive), possibly
// compressed. A tar is indexed by one pass over its headers alone (tar/positional-reader.ts: data
// is skipped by seeking, headers are read by the same rules as a layer's), then members are read
// by position: docker-archive's manifest.json may come after the layers, and nothing is extracted
// to disk. A compressed tar cannot be seeked, so it is first decompressed into the caller's
// scratch directory.

import { constants, createReadStream, createWriteStream, lstatSync } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ROOT } from '../base/byte-path.js';
import { StrataError, errnoOf } from '../base/errors.js';
import { safeEntryPath } from '../import/safe-name.js';
import { decompressChunks } from '../import/decompress.js';
import { BLOCK_SIZE, isZeroBlock, looksLikeHeader } from '../tar/header.js';
import { readTarMembers } from '../tar/positional-reader.js';

export interface Archive {
  /** Size of a member that is a regular file (following links between members), else undefined. */
  size(name: string): number | undefined;
  /** A member's bytes, in chunks the caller may keep. */
  read(name: string): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

export interface OpenArchiveOptions {
  /** Where a compressed tar is decompressed to; the caller removes it. */
  readonly scratchDir: string;
}

const CHUNK = 1 << 20;
/** Links between members are followed this many times at most (so a cycle ends). */
const MAX_HOPS = 16;

/** An untrusted member name made relative and normalized ("./a//b" -> "a/b") by the one
 * path-safety rule (import/safe-name.ts), or undefined when it is refused or names the root. */
export function memberName(unsafeName: string): string | undefined {
  // An image archive's writer names its members relative: an absolute name is not one of them
  // (a layer's entries, safe-name.ts, take a leading "/" off as GNU tar does).
  if (unsafeName.startsWith('/')) return undefined;
  const safe = safeEntryPath(unsafeName);
  return safe.ok && safe.path !== ROOT ? safe.path.slice(1) : undefined;
}

export async function openArchive(path: string, options: OpenArchiveOptions): Promise<Archive> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    // The caller's message names the path already.
    throw errnoOf(err) === 'ENOENT' ? new StrataError('no such file or directory') : new StrataError('cannot read it', { cause: err });
  }
  if (st.isDirectory()) return directoryArchive(path);
  if (!st.isFile()) throw new StrataError('neither a directory nor a file');
  const file = await plainTarOf(path, options.scratchDir);
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return tarArchive(handle, await indexTar(handle));
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function directoryArchive(dir: string): Archive {
  const pathOf = (name: string) => {
    const safe = memberName(name);
    if (safe === undefined) throw new StrataError(`"${name}" is not a member of the archive`);
    return join(dir, safe);
  };
  return {
    size(name) {
      try {
        const st = lstatSync(pathOf(name));
        return st.isFile() ? st.size : undefined;
      } catch {
        return undefined;
      }
    },
    async *read(name) {
      // O_NOFOLLOW: a member that is a symlink is never read through to the host.
      const handle = await open(pathOf(name), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        yield* readRange(handle, 0, Infinity);
      } finally {
        await handle.close();
      }
    },
    async close() {},
  };
}

/** The path of an uncompressed tar with the archive's contents: the file itself when it is one. */
async function plainTarOf(path: string, scratchDir: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY);
  const head = Buffer.alloc(BLOCK_SIZE);
  try {
    await handle.read(head, 0, BLOCK_SIZE, 0);
  } finally {
    await handle.close();
  }
  // An empty tar is still a tar (it then holds neither layout, which is the better message).
  if (looksLikeHeader(head, 0) || isZeroBlock(head, 0)) return path;
  const plain = join(scratchDir, 'archive.tar');
  try {
    await pipeline(Readable.from(decompressChunks(createReadStream(path))), createWriteStream(plain, { mode: 0o600 }));
  } catch (err) {
    throw new StrataError('not a directory, a tar or a compressed tar', { cause: err });
  }
  return plain;
}

type Member = { readonly kind: 'file'; readonly offset: number; readonly size: number } | { readonly kind: 'link'; readonly target: string };

/** One pass over the headers: member name -> where its data is, or which member it links to. */
async function indexTar(handle: FileHandle): Promise<Map<string, Member>> {
  const members = new Map<string, Member>();
  for await (const { header: h, dataAt } of readTarMembers(handle)) {
    const name = memberName(h.name);
    if (name === undefined) continue;
    // A GNU sparse member's data is its regions without the holes between: not the blob's bytes.
    if (h.type === 'file' && h.sparse !== undefined) throw new StrataError(`archive member "${name}" is a sparse file, which an image archive does not hold`);
    if (h.type === 'file') members.set(name, { kind: 'file', offset: dataAt, size: h.size });
    else if (h.type === 'hardlink') setLink(members, name, memberName(h.linkName));
    else if (h.type === 'symlink' && !h.linkName.startsWith('/')) setLink(members, name, memberName(posix.join(posix.dirname(name), h.linkName)));
    else members.delete(name);
  }
  return members;
}

function setLink(members: Map<string, Member>, name: string, target: string | undefined): void {
  if (target === undefined) members.delete(name);
  else members.set(name, { kind: 'link', target });
}

function tarArchive(handle: FileHandle, members: Map<string, Member>): Archive {
  const resolve = (name: string) => {
    let m = members.get(name);
    for (let hops = 0; m?.kind === 'link'; hops++) m = hops < MAX_HOPS ? members.get(m.target) : undefined;
    return m;
  };
  return {
    size(name) {
      return resolve(name)?.size;
    },
    async *read(name) {
      const m = resolve(name);
      if (m === undefined) throw new StrataError(`"${name}" is not a member of the archive`);
      yield* readRange(handle, m.offset, m.offset + m.size);
    },
    close: () => handle.close(),
  };
}

async function* readRange(handle: FileHandle, from: number, to: number): AsyncGenerator<Uint8Array> {
  for (let pos = from; pos < to;) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, to - pos));
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) {
      if (to === Infinity) return;
      throw new StrataError('the archive ended early (was it changed while it was read?)');
    }
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}
