// The Containers pane's data, from the library functions the CLI's `ps`, `diff`, `rm`, `start`,
// `stop`, `commit` and `logs` call, and the runtime's live views: the store watched for changes,
// each running container's figures from its cgroup, its run spec and its processes. Rows are
// plain data; a failure is one line for the status bar. The runtime loads on first use, as the
// CLI's commands load it inside `run` (so the first frame never waits for it).

import type { BytePath } from '../../src/base/byte-path.js';
import { oneLine } from '../../src/base/errors.js';
import type { ContainerProcess } from '../../src/runtime/containers/processes.js';
import type { ContainerRecord } from '../../src/runtime/containers/records.js';
import type { ContainerRunConfig } from '../../src/runtime/containers/run-config.js';
import type { ContainerStats, StatsSampler } from '../../src/runtime/containers/stats.js';
import type { Shell } from '../../src/runtime/sandbox/shell.js';
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

export type { ContainerProcess, ContainerRunConfig, ContainerStats, Shell };

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
  /** Its stdout from byte `offset` on (the last part without one), and where to read next. */
  logsSince(id: string, offset: number | undefined): Promise<Outcome<{ text: string; next: number }>>;
  /** Calls `onChange` whenever a container appears, goes or changes state; returns the stop. */
  watch(onChange: () => void): () => void;
  /** The figures of listed containers that run (CPU since the previous call), and which of them
   * no longer run although the list says so (their strata process died: no record changed). */
  stats(ids: readonly string[]): Promise<{ stats: Map<string, ContainerStats | undefined>; stopped: string[] }>;
  /** Its run spec: image, command, environment, mounts, limits. */
  config(id: string): Promise<Outcome<ContainerRunConfig>>;
  /** Its processes (`docker top`). */
  top(id: string): Promise<Outcome<ContainerProcess[]>>;
  /** The shell `exec -it` starts in it: its bash when it has one, else sh. */
  shell(id: string): Promise<Outcome<Shell>>;
}

const MARKS = { A: 'A', C: 'M', D: 'R' } as const satisfies Record<string, Mark>;
const STOP_GRACE_SECONDS = 10;

export function storeContainers(store: Store): Containers {
  const records = () => import('../../src/runtime/containers/records.js');
  const lifecycle = () => import('../../src/runtime/containers/lifecycle.js');
  // Containers whose strata process died are recorded as exited first, as `ps` and `rm` do.
  const sweep = async () => (await import('../../src/runtime/containers/sweep.js')).sweepDeadContainers(store);
  // The records last listed, for the figures: a running container's cgroup is named in its record.
  const listed = new Map<string, ContainerRecord>();
  let sampler: StatsSampler | undefined;
  return {
    list: () => outcome(async () => {
      await sweep();
      const { effectiveRecord, listContainers } = await records();
      const recs = listContainers(store).map(effectiveRecord);
      listed.clear();
      for (const rec of recs) listed.set(rec.id, rec);
      return recs.map(rowOf).sort((a, b) => b.created.localeCompare(a.created));
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
    logsSince: (id, offset) => outcome(async () => {
      const { bytes, next } = (await lifecycle()).readStdoutSince(store, id, offset);
      return { text: bytes.toString('utf8'), next };
    }),
    watch(onChange) {
      let stop: (() => void) | undefined;
      let stopped = false;
      void import('../../src/runtime/containers/watch.js').then(({ watchContainers }) => {
        if (!stopped) stop = watchContainers(store, onChange).close;
      });
      return () => {
        stopped = true;
        stop?.();
      };
    },
    async stats(ids) {
      const { effectiveRecord } = await records();
      sampler ??= new (await import('../../src/runtime/containers/stats.js')).StatsSampler();
      const recs = ids.map((id) => listed.get(id)).filter((r): r is ContainerRecord => r !== undefined).map(effectiveRecord);
      return { stats: sampler.sample(recs), stopped: recs.filter((r) => r.state !== 'running').map((r) => r.id) };
    },
    config: (id) => outcome(async () => (await import('../../src/runtime/containers/run-config.js')).containerRunConfig(store, id)),
    top: (id) => outcome(async () => {
      const { findContainer, effectiveRecord } = await records();
      return (await import('../../src/runtime/containers/processes.js')).containerProcesses(effectiveRecord(findContainer(store, id)));
    }),
    shell: (id) => outcome(async () => (await import('../../src/runtime/containers/shell.js')).containerShell(store, id)),
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
