// Image records: the OCI config blob itself, stored under the sha256 of its bytes (the image id).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { StrataError } from '../base/errors.js';
import { writeFileAtomic } from './atomic.js';
import { parseImageConfig, type ImageConfig } from './image-config.js';
import type { Store } from './store.js';

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

export function readImage(store: Store, id: string): Image {
  let raw: Buffer;
  try {
    raw = readFileSync(store.paths.image(id));
  } catch (err) {
    throw new StrataError(`image ${id} is missing from the store`, { cause: err });
  }
  return { id, config: parseImageConfig(raw, `image ${id}`), raw };
}

export function listImageIds(store: Store): string[] {
  return readdirSync(store.paths.images)
    .filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
    .map((n) => `sha256:${n.slice(0, 64)}`);
}
