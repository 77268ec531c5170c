// A canonical tar written into a Node.js Writable with backpressure: the writer's sink is
// synchronous, so producers await `drained()` between pieces to keep memory bounded.
//
// Standard output redirected to a regular file is a stream whose writes are one write(2) each,
// whatever it returns: on a full disk a short write loses the rest of the chunk without an error,
// and an archive that ends in one chunk is cut and "succeeds". Such an output is written here
// directly, every byte of every chunk, and a failure is the output's (OutputBroken).

import { once } from 'node:events';
import { fstatSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { TarWriter } from '../tar/writer.js';
import { OutputBroken } from './output-file.js';

export interface TarOutput {
  readonly tar: TarWriter;
  /** Resolves once `out` has room again (immediately when it has). */
  drained(): Promise<void>;
}

export function tarOutput(out: Writable): TarOutput {
  const fd = regularFileDescriptor(out);
  if (fd !== undefined) {
    return { tar: new TarWriter((chunk) => writeAll(fd, chunk), { canonical: true }), drained: async () => {} };
  }
  return {
    tar: new TarWriter((chunk) => out.write(chunk), { canonical: true }),
    async drained() {
      if (out.writableNeedDrain) await once(out, 'drain');
    },
  };
}

/** The descriptor of a stream open on a regular file with nothing queued in it, else undefined. */
function regularFileDescriptor(out: Writable): number | undefined {
  const fd = (out as { fd?: unknown }).fd;
  if (typeof fd !== 'number' || out.writableLength !== 0) return undefined;
  try {
    return fstatSync(fd).isFile() ? fd : undefined;
  } catch {
    return undefined;
  }
}

function writeAll(fd: number, chunk: Uint8Array): void {
  try {
    for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done);
  } catch (err) {
    throw new OutputBroken(err);
  }
}
