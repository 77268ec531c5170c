// A canonical tar written into a Node.js Writable with backpressure: the writer's sink is
// synchronous, so producers await `drained()` between pieces to keep memory bounded.

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { TarWriter } from '../tar/writer.js';

export interface TarOutput {
  readonly tar: TarWriter;
  /** Resolves once `out` has room again (immediately when it has). */
  drained(): Promise<void>;
}

export function tarOutput(out: Writable): TarOutput {
  return {
    tar: new TarWriter((chunk) => out.write(chunk), { canonical: true }),
    async drained() {
      if (out.writableNeedDrain) await once(out, 'drain');
    },
  };
}
