// `strata batch [FILE|-]`: many jobs from one process (docs/batch.md). JSON Lines in, one result
// line per job on stdout in the order jobs finish; a progress bar and a summary on stderr only
// when stderr is a terminal. Exit status: 0 when every job ran and exited 0, 1 when any failed or
// could not run, 2 for a bad command line; a signal that stops the batch is strata's death too.

import { cpus } from 'node:os';
import { wholeNumber } from '../../base/flag-values.js';
import { defineCommand } from '../define.js';
import { batchProgress } from '../batch-progress.js';

const text = { type: 'string', requiresArg: true } as const;

export const batch = defineCommand({
  command: 'batch [file]',
  describe: 'Run many jobs, one JSON object a line, and print one JSON result a line as each ends',
  builder: (y) => y
    .positional('file', { type: 'string', describe: 'The jobs, JSON Lines (- or none: stdin)' })
    .options({
      jobs: { alias: 'j', ...text, describe: 'Jobs run at once (default: the number of CPUs)' },
      keep: { type: 'boolean', describe: 'Keep each job\'s container, named by its id, and report its changes' },
      'fail-fast': { type: 'boolean', describe: 'Start no job after the first that fails (the running ones finish)' },
      'output-limit': { ...text, describe: 'Bytes of stdout and of stderr kept per job (default 1048576)' },
      image: { ...text, describe: 'The image of jobs that name none' },
      timeout: { ...text, describe: 'Default timeout in whole seconds' },
      memory: { alias: 'm', ...text, describe: 'Default memory limit (e.g. 256m)' },
      pids: { ...text, describe: 'Default process limit' },
      cpus: { ...text, describe: 'Default CPU limit (e.g. 0.5)' },
      net: { ...text, describe: 'Default network: none or host' },
    }),
  run: async (ctx, argv) => {
    const jobs = argv.jobs === undefined ? Math.max(1, cpus().length) : wholeNumber('--jobs', argv.jobs, 1, 1024);
    const outputLimit = argv.outputLimit === undefined ? 1 << 20 : wholeNumber('--output-limit', argv.outputLimit, 0, 1 << 30);
    const defaults = {
      ...(argv.image !== undefined ? { image: argv.image } : {}),
      ...(argv.timeout !== undefined ? { timeout: argv.timeout } : {}),
      ...(argv.memory !== undefined ? { memory: argv.memory } : {}),
      ...(argv.pids !== undefined ? { pids: argv.pids } : {}),
      ...(argv.cpus !== undefined ? { cpus: argv.cpus } : {}),
      ...(argv.net !== undefined ? { net: argv.net } : {}),
    };
    const store = await ctx.store();
    const { openBatchEngine, openJobInput } = await import('../../batch/start.js');
    const { runBatch } = await import('../../batch/batch.js');
    const { resultLine } = await import('../../batch/result.js');
    const engine = await openBatchEngine(store, { keep: argv.keep ?? false, outputLimit, defaults, driver: ctx.driver, jobs });
    const progress = batchProgress();
    let outcome;
    try {
      outcome = await runBatch(engine, openJobInput(argv.file ?? '-'), {
        jobs, failFast: argv.failFast ?? false, defaults,
        emit: (result) => written(resultLine(result)),
        ...(progress ? { onProgress: progress.update } : {}),
      });
    } finally {
      engine.cgroupPool?.close();
      await engine.server.close();
    }
    progress?.done(outcome);
    // Stopped by a signal: its cleanup done, strata dies of it, as the shell expects.
    if (outcome.signal !== undefined) process.kill(process.pid, outcome.signal);
    return outcome.failed > 0 ? 1 : 0;
  },
});

/** Resolves once stdout has taken the line (at once, unless a pipe is full); rejects when stdout
 * fails (its reader gone): the batch then stops its jobs. */
function written(line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => {
      process.stdout.off('drain', drained);
      reject(err);
    };
    const drained = () => {
      process.stdout.off('error', failed);
      resolve();
    };
    process.stdout.once('error', failed);
    if (process.stdout.write(line)) drained();
    else process.stdout.once('drain', drained);
  });
}
