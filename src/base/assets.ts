// The files the single binary embeds (build.mjs lists them as SEA assets). Inside the binary they
// come from the executable itself; run from source (tsx) or as the plain dist/strata.cjs bundle,
// from dist/assets/, which `node build.mjs` fills. There is deliberately no environment variable
// or flag to point elsewhere: the native helper is an asset, and root must never run a file that
// someone could have planted in a directory of their choice.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as sea from 'node:sea';
import { fileURLToPath } from 'node:url';
import { StrataError, errnoOf } from './errors.js';

/** The names build.mjs embeds. */
export type AssetName = 'busybox.tar' | 'strata-helper';

/** The bytes of an embedded asset (a fresh copy: the caller may keep or change it). */
export function readAsset(name: AssetName): Buffer {
  if (sea.isSea()) {
    try {
      return Buffer.from(sea.getAsset(name));
    } catch (err) {
      throw new StrataError(`asset "${name}" is missing from this binary (a broken build?)`, { cause: err });
    }
  }
  const path = join(devAssetDir(), name);
  try {
    return readFileSync(path);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw new StrataError(`read asset ${path}`, { cause: err });
    throw new StrataError(`asset ${path} not found: run \`node build.mjs\` first`, { cause: err });
  }
}

/** dist/assets/: beside the bundle (dist/strata.cjs), or from this file under src/base/. */
function devAssetDir(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.cjs') ? join(dirname(here), 'assets') : join(dirname(here), '..', '..', 'dist', 'assets');
}
