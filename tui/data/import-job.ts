// The Import view's work: a rootfs tarball becomes a one-layer image (importRootfs), an OCI layout
// or docker-archive becomes its images (loadArchive), with progress and cancellation. Cancelling
// throws out of the progress callback, so the library's own failure path (staging removed, lease
// released, freshly published layers collected) leaves the store as it was.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { StrataError } from '../../src/base/errors.js';
import { detectCompression } from '../../src/import/decompress.js';
import type { Store } from '../../src/store/store.js';
import { BLOCK_SIZE } from '../../src/tar/header.js';

export type ImportKind = 'rootfs' | 'archive';

export interface ImportRequest {
  readonly path: string;
  /** NAME[:TAG]; "" for none (a tarball's image stays untagged, an archive's names are kept). */
  readonly name: string;
}

export interface ImportProgress {
  readonly bytes: number;
  readonly entries: number;
  /** Bytes expected in all, when the source says (an uncompressed file); else undefined. */
  readonly total: number | undefined;
}

export class ImportCancelled extends StrataError {
  constructor() {
    super('import cancelled');
  }
}

/** A directory is an OCI layout; a tar is an archive when the library says its first members are
 * an image archive's. Anything else goes to the rootfs import, which reads it through and says
 * what is wrong with it, if anything. */
export async function importKindOf(path: string): Promise<ImportKind> {
  if (statSync(path).isDirectory()) return 'archive';
  const { tarKindOf } = await import('../../src/archive/tar-kind.js');
  return (await tarKindOf(path)) === 'image-archive' ? 'archive' : 'rootfs';
}

/** The first block, enough to tell the compression by. */
function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(BLOCK_SIZE);
    return buf.subarray(0, readSync(fd, buf, 0, BLOCK_SIZE, 0));
  } finally {
    closeSync(fd);
  }
}

/** The bytes the progress will count up to: an uncompressed tar's size, else unknown. */
function expectedBytes(path: string, kind: ImportKind): number | undefined {
  if (kind === 'archive' && statSync(path).isDirectory()) return undefined;
  const head = readHead(path);
  return head.length >= BLOCK_SIZE && detectCompression(head) === 'none' ? statSync(path).size : undefined;
}

/** Runs the import; resolves with what was made (image ids or references), rejects with
 * ImportCancelled when `signal` aborted it. */
export async function runImport(store: Store, request: ImportRequest, onProgress: (p: ImportProgress) => void, signal: AbortSignal): Promise<string[]> {
  const kind = await importKindOf(request.path);
  const total = expectedBytes(request.path, kind);
  const progress = (bytes: number, entries: number) => {
    if (signal.aborted) throw new ImportCancelled();
    onProgress({ bytes, entries, total });
  };
  try {
    if (signal.aborted) throw new ImportCancelled();
    if (kind === 'archive') {
      const { loadArchive } = await import('../../src/archive/load.js');
      const loaded = await loadArchive(store, request.path, { ...(request.name ? { name: request.name } : {}), onProgress: progress });
      return loaded.flatMap((l) => (l.refs.length > 0 ? l.refs : [l.id]));
    }
    const { importRootfs } = await import('../../src/store/import-rootfs.js');
    const image = await importRootfs(store, request.path, { ...(request.name ? { ref: request.name } : {}), onProgress: progress });
    return [request.name || image.id];
  } catch (err) {
    if (signal.aborted) throw new ImportCancelled();
    throw err;
  }
}

/** A name offered for a tarball: its file name without the tar and compression suffixes. */
export function suggestedName(path: string): string {
  const name = basename(path.replace(/\/+$/, '')).replace(/\.(tar(\.(gz|xz|zst))?|tgz)$/i, '');
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
}
