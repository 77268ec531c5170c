// What a batch opens before its first job: the input (a file, or stdin), and the engine its jobs
// share — the driver opened once, the cgroups a killed strata left swept once, the command line's
// defaults checked as run checks its flags (a bad one is a usage error, not a failure per job).

import { createReadStream, statSync } from 'node:fs';
import { StrataError } from '../base/errors.js';
import type { Store } from '../store/store.js';
import { detectCgroups, sweepStaleCgroups } from '../runtime/cgroups/detect.js';
import { CgroupPool } from '../runtime/cgroups/pool.js';
import { defaultDriverName, openDriver } from '../runtime/drivers/driver.js';
import type { DriverName } from '../runtime/drivers/types.js';
import { helperNodeMaker } from '../runtime/helper/process.js';
import { HelperServer } from '../runtime/helper/server.js';
import { checkRunFlags } from '../runtime/sandbox/run-flags.js';
import type { JobDefaults } from './job.js';
import type { BatchEngine } from './run-job.js';

export interface EngineOptions {
  readonly keep: boolean;
  readonly outputLimit: number;
  readonly defaults: JobDefaults;
  readonly driver?: DriverName | undefined;
  /** Jobs run at once: as many idle cgroups are kept for reuse. */
  readonly jobs: number;
}

export async function openBatchEngine(store: Store, o: EngineOptions): Promise<BatchEngine> {
  checkRunFlags({ args: [], ...o.defaults });
  const cgroups = process.getuid?.() === 0 ? detectCgroups() : undefined;
  if (cgroups) sweepStaleCgroups(cgroups);
  const driver = await openDriver(o.driver ?? defaultDriverName(), { store, makeNodes: helperNodeMaker(store) });
  return {
    store, driver, keep: o.keep, outputLimit: o.outputLimit, images: new Map(),
    ...(cgroups ? { cgroupPool: new CgroupPool(cgroups, o.jobs) } : {}),
    server: new HelperServer(store),
  };
}

/** The job lines' bytes: `-` is stdin; a file is read as it is read, never whole. */
export function openJobInput(file: string): AsyncIterable<Uint8Array> {
  if (file === '-') return process.stdin;
  try {
    if (statSync(file).isDirectory()) throw new StrataError(`${file} is a directory, not a file of jobs`);
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError(`cannot read ${file}`, { cause: err });
  }
  return createReadStream(file, { highWaterMark: 1 << 16 });
}
