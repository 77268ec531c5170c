// Image records: the OCI config blob itself, stored under the sha256 of its bytes (the image id).
// The id is the record's only proof: a config read back is hashed (a few KB: microseconds) and
// used only when it still has that digest, so a config edited in place is never run, inspected
// or saved under the id it no longer has.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { StrataError } from '../base/errors.js';
import { writeFileAtomic } from './atomic.js';
import { damagedRecord } from './damaged.js';
import { isDigestId } from './ids.js';
import { parseImageConfig, type ImageConfig } from './image-config.js';
import type { Store } from './types.js';

export interface Image {
  /** "sha256:<64 hex>" */
  readonly id: string;
  readonly config: ImageConfig;
  /** The config blob's exact bytes (what `save` writes and the id is the digest of). */
  readonly raw: Buffer;
}

export function imageIdOf(raw: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(raw).digest('hex');
}

/** Store a config blob; idempotent. Its layers must already be in the store. */
export function writeImage(store: Store, raw: Buffer): Image {
  const config = parseImageConfig(raw, 'image config');
  const id = imageIdOf(raw);
  const path = store.paths.image(id);
  if (!existsSync(path)) writeFileAtomic(store, path, raw);
  return { id, config, raw };
}

/** Canonical bytes for a config strata makes itself. */
export function encodeConfig(config: ImageConfig): Buffer {
  return Buffer.from(JSON.stringify(config));
}

/** An image, its config checked against its id. */
export function readImage(store: Store, id: string): Image {
  if (!isDigestId(id)) throw new StrataError(`${JSON.stringify(id)} is not an image id`);
  const raw = readImageBytes(store, id);
  const actual = imageIdOf(raw);
  if (actual !== id) throw damagedRecord(`image ${id}`, `its config hashes to ${actual}`);
  try {
    return { id, config: parseImageConfig(raw, 'its config'), raw };
  } catch (err) {
    throw damagedRecord(`image ${id}`, (err as Error).message);
  }
}

/** The config's bytes as stored, not checked against the id: for `check`, which reports what
 * differs, and garbage collection, which keeps every layer even a damaged record names. */
export function readImageBytes(store: Store, id: string): Buffer {
  try {
    return readFileSync(store.paths.image(id));
  } catch (err) {
    throw new StrataError(`image ${id} is missing from the store`, { cause: err });
  }
}

export function listImageIds(store: Store): string[] {
  return readdirSync(store.paths.images)
    .filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
    .map((n) => `sha256:${n.slice(0, 64)}`);
}
