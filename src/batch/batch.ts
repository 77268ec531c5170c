// `strata batch`: jobs from a JSON Lines stream, up to N at once, one result line each in the order
// they finish. The next line is read only when a job slot is free and the last result has been
// taken by stdout, so memory stays flat whatever the input's length or the reader's pace.
// SIGINT, SIGTERM and SIGHUP stop the batch: no further job starts, every running job's helper is
// killed (its sandbox dies with it: PR_SET_PDEATHSIG, docs/DESIGN.md §5), each job's cleanup runs
// as usual (cgroup, container removed unless --keep), and strata then dies of the signal.

import { processIdentity } from '../store/process-identity.js';
import { MAX_LINE_BYTES, inputLines, type InputLine } from './job-lines.js';
import { JobLineError, parseJob, type JobDefaults } from './job.js';
import { failed, lineError, type JobResult } from './result.js';
import { JobStopped, runJob, type BatchEngine } from './run-job.js';

export interface BatchOptions {
  readonly jobs: number;
  readonly failFast: boolean;
  readonly defaults: JobDefaults;
  /** Takes one result; resolves once it may take the next (stdout drained). */
  readonly emit: (result: JobResult) => Promise<void>;
  /** Told of each job that starts and each result (the progress bar). */
  readonly onProgress?: (counts: BatchCounts) => void;
}

export interface BatchCounts {
  started: number;
  done: number;
  failed: number;
}

export interface BatchOutcome extends BatchCounts {
  /** The signal that stopped the batch, if one did. */
  readonly signal?: NodeJS.Signals;
}

const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function runBatch(engine: BatchEngine, input: AsyncIterable<Uint8Array>, o: BatchOptions): Promise<BatchOutcome> {
  const counts: BatchCounts = { started: 0, done: 0, failed: 0 };
  const running = new Set<Promise<void>>();
  /** The helpers running, by pid, with the identity (pid + start time) each had when it started:
   * a pid reused by an unrelated process after a job ended is never signalled. */
  const helpers = new Map<number, string | undefined>();
  let stopSignal: NodeJS.Signals | undefined;
  let noMoreJobs = false;
  let fatal: unknown;
  // One waiter at a time, woken by any change (a job ends, a line arrives, a signal): no promise
  // that never settles is raced again and again, which would keep a reaction per line alive.
  let notify: (() => void) | undefined;
  const changed = () => {
    const wake = notify;
    notify = undefined;
    wake?.();
  };
  const nextChange = () => new Promise<void>((resolve) => (notify = resolve));

  const killHelpers = () => {
    for (const [pid, identity] of helpers) {
      if (identity !== undefined && processIdentity(pid) !== identity) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Ended meanwhile.
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal !== undefined) return; // stopping already: the cleanup runs once
    stopSignal = signal;
    noMoreJobs = true;
    killHelpers();
    changed();
  };
  for (const s of STOPPING_SIGNALS) process.on(s, onSignal);

  const finish = async (result: JobResult) => {
    counts.done++;
    if (failed(result)) {
      counts.failed++;
      if (o.failFast) noMoreJobs = true;
    }
    o.onProgress?.(counts);
    await o.emit(result);
  };

  const start = (line: InputLine) => {
    if ('tooLong' in line) return finish(lineError(line.line, null, `line ${line.line}: longer than the limit of ${MAX_LINE_BYTES >> 20} MiB`));
    let job;
    try {
      job = parseJob(line.text, line.line, o.defaults);
    } catch (err) {
      if (!(err instanceof JobLineError)) throw err;
      return finish(lineError(err.line, err.id, err.message));
    }
    counts.started++;
    o.onProgress?.(counts);
    let helper: number | undefined;
    return runJob(engine, job, {
      stopping: () => noMoreJobs,
      onStart: (pid) => {
        helper = pid;
        helpers.set(pid, processIdentity(pid));
        if (stopSignal !== undefined) killHelpers();
      },
    }).finally(() => {
      if (helper !== undefined) helpers.delete(helper);
    }).then(async (result) => finish(result), (err: unknown) => {
      if (!(err instanceof JobStopped)) throw err;
      counts.started--;
    });
  };

  try {
    const lines = inputLines(input)[Symbol.asyncIterator]();
    while (!noMoreJobs) {
      while (running.size >= o.jobs && !noMoreJobs) await nextChange();
      if (noMoreJobs) break;
      let next: IteratorResult<InputLine> | undefined;
      let unreadable: { readonly error: unknown } | undefined;
      lines.next().then((r) => {
        next = r;
        changed();
      }, (error: unknown) => {
        unreadable = { error };
        changed();
      });
      while (next === undefined && unreadable === undefined && !noMoreJobs) await nextChange();
      if (unreadable !== undefined) {
        // The input failed midway: the jobs running finish and are reported, then its error.
        fatal ??= unreadable.error;
        break;
      }
      if (next === undefined || next.done) break;
      const job: Promise<void> = Promise.resolve(next.value).then(start).catch((err: unknown) => {
        // strata's own failure, not a job's (stdout closed, a bug): no further job starts, the
        // running ones are stopped and cleaned up, and it is the batch's error.
        if (fatal === undefined) {
          fatal = err;
          noMoreJobs = true;
          killHelpers();
        }
      }).finally(() => {
        running.delete(job);
        changed();
      });
      running.add(job);
    }
    // No new job: the running ones end (killed, when stopping) and are cleaned up and reported.
    await Promise.all(running);
    if (fatal !== undefined) throw fatal;
  } finally {
    for (const s of STOPPING_SIGNALS) process.off(s, onSignal);
  }
  return { ...counts, ...(stopSignal !== undefined ? { signal: stopSignal } : {}) };
}
