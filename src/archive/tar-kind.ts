// What a file holds, told from the names of its first members: an image archive (an OCI layout or
// a docker-archive, what `load` reads) or a root filesystem (what `import` reads). The headers are
// read by the same reader as a layer's and an archive's (tar/positional-reader.ts), data skipped
// by seeking, so a docker-archive whose first member is a layer of gigabytes costs a few reads.

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { StrataError } from '../base/errors.js';
import { BLOCK_SIZE, isZeroBlock, looksLikeHeader } from '../tar/header.js';
import { readTarMembers } from '../tar/positional-reader.js';
import { memberName } from './archive-reader.js';

/** 'unknown': not a plain tar (compressed, damaged or no tar at all); only reading it through
 * tells what it is, and why not. */
export type TarKind = 'image-archive' | 'rootfs' | 'unknown';

/** Every writer of image archives we know puts one of its own names first (blobs/, oci-layout,
 * manifest.json, a layer's <hex>/ or <hex>.tar); a few more members allow for a `./` and the like. */
const MEMBERS_READ = 16;

/** Top-level names of an OCI layout and of a docker-archive, which a root filesystem never has. */
const ARCHIVE_NAMES = new Set(['oci-layout', 'index.json', 'blobs', 'manifest.json', 'repositories']);
/** docker-archive's layer directories, layer tars and configs are named by their 64-hex digest. */
const DIGEST_NAME = /^[0-9a-f]{64}(\.tar|\.json)?$/;

export async function tarKindOf(path: string): Promise<TarKind> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    const head = Buffer.alloc(BLOCK_SIZE);
    const { bytesRead } = await handle.read(head, 0, BLOCK_SIZE, 0);
    if (bytesRead < BLOCK_SIZE || !(looksLikeHeader(head, 0) || isZeroBlock(head, 0))) return 'unknown';
    let read = 0;
    for await (const { header } of readTarMembers(handle)) {
      const name = memberName(header.name);
      const top = name?.split('/', 1)[0];
      if (top !== undefined && (ARCHIVE_NAMES.has(top) || DIGEST_NAME.test(top))) return 'image-archive';
      if (++read === MEMBERS_READ) break;
    }
    return 'rootfs';
  } catch (err) {
    if (err instanceof StrataError) return 'unknown';
    throw err;
  } finally {
    await handle.close();
  }
}
