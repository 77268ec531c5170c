// strata's internal jobs, for `strata --internal-job JOB ROOT ARGS…` (base/self-command.ts): the
// work strata starts itself again for — a detached container's supervisor, and as root of a
// rootless user namespace a container's writable layer read (`diff`) or its layer tar written
// (`commit`). None is a CLI command; src/main.ts comes here before any command-line parsing. The
// store opens as for a command (app/context.ts); the runtime loads inside `run`.

import { UsageError } from '../base/errors.js';
import type { InternalJobName } from '../base/self-command.js';
import type { Store } from '../store/store.js';
import { makeContext } from './context.js';

interface InternalJob {
  /** How many arguments follow ROOT. */
  readonly arity: number;
  /** Its exit status (0 when it returns none). */
  run(store: Store, args: readonly string[]): Promise<number | void>;
}

const JOBS: Readonly<Record<InternalJobName, InternalJob>> = {
  supervise: {
    arity: 1,
    run: async (store, [id]) => (await import('../runtime/containers/supervisor.js')).supervise(store, id!),
  },
  /** Prints the layer index. */
  'writable-layer': {
    arity: 1,
    run: async (store, [id]) => {
      const { readContainer } = await import('../runtime/containers/records.js');
      const { writableLayerOf } = await import('../runtime/containers/writable-layer.js');
      const { printableIndex } = await import('../runtime/containers/mapped-layer.js');
      process.stdout.write(printableIndex(await writableLayerOf(store, readContainer(store, id!))));
    },
  },
  /** Writes the layer tar to FILE (nothing when the container changed nothing). */
  'commit-layer': {
    arity: 2,
    run: async (store, [id, file]) => {
      const { readContainer } = await import('../runtime/containers/records.js');
      const { writeContainerLayer } = await import('../runtime/changes/mapped-changes.js');
      await writeContainerLayer(store, readContainer(store, id!), file!);
    },
  },
};

/** Runs the job `argv` names (the words after the marker); its exit status. */
export async function runInternalJob(argv: readonly string[]): Promise<number> {
  const [name, root, ...args] = argv;
  const job = name !== undefined && Object.hasOwn(JOBS, name) ? JOBS[name as InternalJobName] : undefined;
  if (job === undefined || root === undefined || args.length !== job.arity) throw new UsageError(`not an internal job: ${argv.join(' ')}`);
  return (await job.run(await makeContext({ root }).store(), args)) ?? 0;
}
