// One job of a batch, from its parsed line to its result: the container made as `run` makes it
// (the same checks, the same run spec), its `files` placed through the resolver, then started with
// its output captured through pipes and its stdin from the job. Without --keep it is removed once
// it exits, as `run --rm` removes it; with --keep it stays, named by the job's id.
// What each batch does once and not per job (the image's view, the driver, the cgroups, the
// helper server) is in BatchEngine.

import { writeFileSync } from 'node:fs';
import { constants as os } from 'node:os';
import { join } from 'node:path';
import { escapePath } from '../base/byte-path.js';
import { oneLine } from '../base/errors.js';
import { openImageView, type ImageView } from '../content/image-view.js';
import { resolveImage } from '../store/lookup.js';
import type { Image } from '../store/images.js';
import type { Store } from '../store/store.js';
import { containerChanges } from '../runtime/changes/diff.js';
import { placeFiles } from '../runtime/changes/copy-files.js';
import { checkContainerName, newContainerId } from '../runtime/containers/names.js';
import { createContainer, deleteContainer } from '../runtime/containers/records.js';
import { startContainerFacts } from '../runtime/containers/start.js';
import type { RootfsDriver } from '../runtime/drivers/types.js';
import type { CgroupPool } from '../runtime/cgroups/pool.js';
import type { HelperServer } from '../runtime/helper/server.js';
import { etcFiles } from '../runtime/sandbox/etc-files.js';
import { checkRunFlags } from '../runtime/sandbox/run-flags.js';
import { ETC_FILES, prepareRun, saveRunSpec, type RunRequest } from '../runtime/sandbox/run-spec.js';
import { CappedOutput } from './capture.js';
import type { Job } from './job.js';
import type { JobResult } from './result.js';

/** What every job of one batch shares. */
export interface BatchEngine {
  readonly store: Store;
  readonly driver: RootfsDriver;
  readonly keep: boolean;
  readonly outputLimit: number;
  /** Images by the reference a job gave, resolved and their views opened once. */
  readonly images: Map<string, { readonly image: Image; readonly view: ImageView }>;
  /** Where jobs' cgroups come from (root with cgroups): reused, not made and removed per job. */
  readonly cgroupPool?: CgroupPool;
  /** Starts each job's helper (one fork of a small process instead of Node.js's spawn). */
  readonly server: HelperServer;
}

/** Hooks of the scheduler into a job's run. */
export interface JobControl {
  /** The job's helper runs (its pid): the batch can stop it. */
  onStart(pid: number): void;
  /** True once the batch is being stopped: a job not started yet does not start. */
  stopping(): boolean;
}

/** Raised where a job is dropped because the batch stops. */
export class JobStopped extends Error {}

export async function runJob(engine: BatchEngine, job: Job, control: JobControl): Promise<JobResult> {
  const began = performance.now();
  const stdout = new CappedOutput(engine.outputLimit);
  const stderr = new CappedOutput(engine.outputLimit);
  const result = (fields: Partial<JobResult>): JobResult => ({
    id: job.id, line: job.line, exitCode: null, signal: null, timedOut: false, oomKilled: false,
    stdout: stdout.text(), stdoutTruncated: stdout.truncated, stderr: stderr.text(), stderrTruncated: stderr.truncated,
    durationMs: Math.round((performance.now() - began) * 10) / 10, changes: null, error: null, ...fields,
  });
  try {
    const facts = await runContainerOf(engine, job, control, stdout, stderr);
    const signal = facts.status > 128 && facts.status < 128 + 65 ? signalName(facts.status - 128) : null;
    return result({
      exitCode: facts.status,
      signal: facts.timedOut ? 'SIGKILL' : signal,
      timedOut: facts.timedOut,
      oomKilled: facts.oomKilled,
      changes: facts.changes,
    });
  } catch (err) {
    if (err instanceof JobStopped) throw err;
    return result({ error: oneLine(err) });
  }
}

interface JobFacts {
  readonly status: number;
  readonly oomKilled: boolean;
  readonly timedOut: boolean;
  readonly changes: JobResult['changes'];
}

async function runContainerOf(engine: BatchEngine, job: Job, control: JobControl, stdout: CappedOutput, stderr: CappedOutput): Promise<JobFacts> {
  const { store, driver } = engine;
  const request: RunRequest = {
    ...commandOf(job),
    env: job.env,
    ...(job.workdir !== undefined ? { workdir: job.workdir } : {}),
    ...(job.user !== undefined ? { user: job.user } : {}),
    ...(job.net !== undefined ? { net: job.net } : {}),
    ...(job.memory !== undefined ? { memory: job.memory } : {}),
    ...(job.pids !== undefined ? { pids: job.pids } : {}),
    ...(job.cpus !== undefined ? { cpus: job.cpus } : {}),
    ...(job.timeout !== undefined ? { timeout: job.timeout } : {}),
    rm: !engine.keep,
  };
  const flags = checkRunFlags(request);
  if (engine.keep) checkContainerName(job.id);
  const { image, view } = imageOf(engine, job.image);
  const id = newContainerId();
  const { spec, mountPoints } = prepareRun(store, image, view, id, request, flags);
  const etc = etcFiles(spec.hostname, spec.net);
  const rec = await createContainer(store, {
    id, ...(engine.keep ? { name: job.id } : { durable: false }), image: image.id, imageRef: job.image, command: spec.process.argv, driver: driver.name, hostname: spec.hostname,
  }, async (dir) => {
    for (const f of ETC_FILES) writeFileSync(join(dir, f), etc[f], { mode: 0o644 });
    saveRunSpec(dir, spec);
    await driver.populate(dir, view, mountPoints);
  });
  try {
    if (job.files.length > 0) {
      await placeFiles(store, rec, job.files.map((f) => ({ path: f.path, data: f.data, mode: 0o644 })), { uid: spec.process.uid, gid: spec.process.gid });
    }
    if (control.stopping()) throw new JobStopped();
  } catch (err) {
    // Never started: nothing is left of it, kept or not (as `run --rm` that cannot start).
    await deleteContainer(store, rec);
    throw err;
  }
  const facts = await startContainerFacts(store, id, {
    stdin: false,
    image: view,
    capture: { stdout: stdout.add, stderr: stderr.add },
    ...(job.stdin !== undefined ? { input: Buffer.from(job.stdin) } : {}),
    forwardSignals: false,
    onStart: control.onStart,
    ...(engine.cgroupPool ? { cgroupPool: engine.cgroupPool } : {}),
    server: engine.server,
  });
  const timedOut = spec.timeout !== undefined && facts.status === 124;
  let changes: JobResult['changes'] = null;
  if (engine.keep) changes = (await containerChanges(store, id)).map((c) => ({ kind: c.kind, path: escapePath(c.path) }));
  return { ...facts, timedOut, changes };
}

/** `cmd` as run's words: an array follows the image's Entrypoint as `run IMAGE ARGS…` does; a
 * string is a shell line, Docker's shell form: /bin/sh -c, in place of Entrypoint and Cmd. */
function commandOf(job: Job): Pick<RunRequest, 'args' | 'entrypoint'> {
  if (job.cmd === undefined) return { args: [] };
  if (typeof job.cmd === 'string') return { entrypoint: '/bin/sh', args: ['-c', job.cmd] };
  return { args: job.cmd };
}

function imageOf(engine: BatchEngine, ref: string): { image: Image; view: ImageView } {
  let known = engine.images.get(ref);
  if (known === undefined) {
    const image = resolveImage(engine.store, ref);
    known = { image, view: openImageView(engine.store, image) };
    engine.images.set(ref, known);
  }
  return known;
}

function signalName(n: number): string | null {
  for (const [name, value] of Object.entries(os.signals)) if (value === n) return name;
  return null;
}
