// The Containers pane's data, from the library functions the CLI's `ps`, `diff`, `rm`, `start`,
// `stop`, `commit` and `logs` call. Rows are plain data; a failure is one line for the status bar.
// The runtime loads on first use, as the CLI's commands load it inside `run`.

import type { BytePath } from '../../src/base/byte-path.js';
import { oneLine } from '../../src/base/errors.js';
import type { ContainerRecord } from '../../src/runtime/containers/records.js';
import type { Store } from '../../src/store/store.js';
import type { Mark } from './changes.js';

export interface ContainerRow {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly command: string;
  /** "created", "running" or "exited". */
  readonly state: string;
  readonly exitCode: number | undefined;
  /** ISO 8601 */
  readonly created: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** What the pane does to containers; each resolves with its value, or with why not. */
export interface Containers {
  /** All containers (`ps -a`), newest first. */
  list(): Promise<Outcome<ContainerRow[]>>;
  /** `docker diff`'s A/C/D as the tree's A/M/R. */
  diff(id: string): Promise<Outcome<{ path: BytePath; mark: Mark }[]>>;
  remove(id: string): Promise<Outcome<void>>;
  /** Starts a stopped container in the background, under its supervisor. */
  start(id: string): Promise<Outcome<void>>;
  /** SIGTERM, then SIGKILL after 10 seconds (`stop`'s default). */
  stop(id: string): Promise<Outcome<void>>;
  /** The new image's id. */
  commit(id: string, ref: string): Promise<Outcome<string>>;
  /** What the container wrote to its stdout. */
  logs(id: string): Promise<Outcome<string>>;
}

const MARKS = { A: 'A', C: 'M', D: 'R' } as const satisfies Record<string, Mark>;
const STOP_GRACE_SECONDS = 10;

export function storeContainers(store: Store): Containers {
  const records = () => import('../../src/runtime/containers/records.js');
  const lifecycle = () => import('../../src/runtime/containers/lifecycle.js');
  // Containers whose strata process died are recorded as exited first, as `ps` and `rm` do.
  const sweep = async () => (await import('../../src/runtime/containers/sweep.js')).sweepDeadContainers(store);
  return {
    list: () => outcome(async () => {
      await sweep();
      const { effectiveRecord, listContainers } = await records();
      return listContainers(store).map(effectiveRecord).map(rowOf).sort((a, b) => b.created.localeCompare(a.created));
    }),
    diff: (id) => outcome(async () => {
      const { containerChanges } = await import('../../src/runtime/changes/diff.js');
      return (await containerChanges(store, id)).map((c) => ({ path: c.path, mark: MARKS[c.kind] }));
    }),
    remove: (id) => outcome(async () => {
      await sweep();
      const { removeContainer } = await import('../../src/runtime/containers/remove.js');
      await removeContainer(store, id, { force: false });
    }),
    start: (id) => outcome(async () => (await lifecycle()).startExisting(store, id)),
    stop: (id) => outcome(async () => (await lifecycle()).stopContainer(store, id, STOP_GRACE_SECONDS)),
    commit: (id, ref) => outcome(async () => {
      const { commitContainer } = await import('../../src/runtime/changes/commit.js');
      return (await commitContainer(store, id, { ref })).id;
    }),
    logs: (id) => outcome(async () => {
      const out: Buffer[] = [];
      await (await lifecycle()).containerLogs(store, id, false, (b) => out.push(b), () => {});
      return Buffer.concat(out).toString('utf8');
    }),
  };
}

function rowOf(rec: ContainerRecord): ContainerRow {
  return {
    id: rec.id,
    name: rec.name,
    image: rec.imageRef,
    command: rec.command.join(' '),
    state: rec.state,
    exitCode: rec.exitCode ?? undefined,
    created: rec.created,
  };
}

/** The work's value, or its error as the one line the CLI would print. */
async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: oneLine(err) };
  }
}
