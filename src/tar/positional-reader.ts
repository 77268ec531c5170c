// The members of a tar file, read by their headers alone: the data of each is skipped by seeking,
// so an image archive of gigabytes is read in as many small reads as it has headers. What the
// headers mean is header-sequence.ts's to say, as for a streamed layer.

import type { FileHandle } from 'node:fs/promises';
import { StrataError } from '../base/errors.js';
import type { TarHeader } from './header.js';
import { BLOCK_SIZE } from './header.js';
import { TarHeaderSequence } from './header-sequence.js';

export interface TarMember {
  /** Extension records applied; `size` bytes of data (0 for header-only types; for a sparse
   * member, its stored regions, one after another). */
  readonly header: TarHeader;
  /** Offset of its data in the file. */
  readonly dataAt: number;
}

/** The members of the tar `handle` reads, in archive order. A member is yielded once its header
 * is read; a tar that then turns out damaged or truncated throws when iteration reaches it. */
export async function* readTarMembers(handle: FileHandle): AsyncGenerator<TarMember> {
  const fileSize = (await handle.stat()).size;
  const headers = new TarHeaderSequence();
  const block = Buffer.alloc(BLOCK_SIZE);
  for (let inMap = false; ;) {
    // A file too short for the next block stops here; end() says whether that is sound.
    if (headers.nextHeaderAt + BLOCK_SIZE > fileSize) return headers.end(fileSize);
    await readFully(handle, block, headers.nextHeaderAt);
    const event = inMap ? headers.sparseMapBlock(block, 0) : headers.header(block, 0);
    inMap = false;
    switch (event?.kind) {
      case 'end':
        return;
      case 'extension': {
        if (event.dataAt + event.size > fileSize) return headers.end(fileSize);
        const data = Buffer.alloc(event.size);
        await readFully(handle, data, event.dataAt);
        headers.extension(data);
        break;
      }
      case 'skip':
        break;
      case undefined:
      case 'sparse-map':
        // The blocks of a sparse member's map, up to the member.
        inMap = true;
        break;
      case 'entry':
        yield event;
    }
  }
}

async function readFully(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  for (let off = 0; off < buf.length;) {
    const { bytesRead } = await handle.read(buf, off, buf.length - off, position + off);
    if (bytesRead === 0) throw new StrataError(`the tar ended early at byte ${position + off} (was it changed while it was read?)`);
    off += bytesRead;
  }
}
