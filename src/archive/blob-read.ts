// Reading the small blobs of an archive (index, manifests, config) whole, checked against the
// digest and size the archive states for them before anything trusts their contents.

import { createHash } from 'node:crypto';
import { StrataError } from '../base/errors.js';
import type { Archive } from './archive-reader.js';
import type { BlobRef } from './image-plan.js';

/** Manifests and configs are small; a larger one is hostile or broken, and is not buffered. */
const JSON_LIMIT = 16 * 1024 * 1024;

export async function readBlob(archive: Archive, ref: BlobRef, what: string): Promise<Buffer> {
  const size = archive.size(ref.member);
  if (size === undefined) throw new StrataError(`${what} (${ref.digest ?? ref.member}) is missing from the archive`);
  if (size > JSON_LIMIT) throw new StrataError(`${what} is ${size} bytes, larger than the ${JSON_LIMIT}-byte limit`);
  if (ref.size !== undefined && ref.size !== size) {
    throw new StrataError(`${what} has ${size} bytes, the archive says ${ref.size}`);
  }
  const parts: Uint8Array[] = [];
  for await (const chunk of archive.read(ref.member)) parts.push(chunk);
  const bytes = Buffer.concat(parts);
  if (ref.digest !== undefined) {
    const actual = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
    if (actual !== ref.digest) throw new StrataError(`${what} does not match its digest ${ref.digest} (it hashes to ${actual})`);
  }
  return bytes;
}

export function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new StrataError(`${what} is not JSON`, { cause: err });
  }
}

/** Parses a JSON object; anything else is a one-line error naming `what`. */
export function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  const doc = parseJson(bytes, what);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new StrataError(`${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}
