// The first pass of a load: every layer blob is read once, hashed as stored (its blob digest)
// and decompressed and hashed (its diff_id), and both are checked against what the archive and
// the config say — before anything is written to the store. A layer is published only from an
// archive that has already proved itself.

import { createHash } from 'node:crypto';
import { StrataError, oneLine } from '../base/errors.js';
import { decompressChunks } from '../import/decompress.js';
import type { Archive } from './archive-reader.js';
import type { BlobRef } from './image-plan.js';

export async function verifyLayerBlob(archive: Archive, ref: BlobRef, diffId: string, what: string): Promise<void> {
  const name = `${what} (${ref.digest ?? ref.member})`;
  const size = archive.size(ref.member);
  if (size === undefined) throw new StrataError(`${name} is missing from the archive`);
  if (ref.size !== undefined && ref.size !== size) throw new StrataError(`${name} has ${size} bytes, the archive says ${ref.size}`);
  const stream = decompressChunks(archive.read(ref.member));
  try {
    for await (const chunk of stream) void chunk;
  } catch (err) {
    // A damaged blob usually fails to decompress first; its digest is the better reason.
    if (ref.digest !== undefined) checkDigest(ref.digest, await digestOf(archive, ref.member), name);
    throw new StrataError(`${name} cannot be decompressed: ${oneLine(err)}`, { cause: err });
  }
  if (ref.digest !== undefined) checkDigest(ref.digest, stream.sourceDigest(), name);
  if (stream.tarDigest() !== diffId) throw new StrataError(`${name} has diff_id ${stream.tarDigest()}, the config says ${diffId}`);
}

function checkDigest(expected: string, actual: string, name: string): void {
  if (actual !== expected) throw new StrataError(`${name} does not match its digest (it hashes to ${actual})`);
}

async function digestOf(archive: Archive, member: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of archive.read(member)) hash.update(chunk);
  return 'sha256:' + hash.digest('hex');
}
