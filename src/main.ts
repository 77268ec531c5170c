// strata's entry point. `--version` is answered before anything else loads; strata started again
// for an internal job (base/self-command.ts) goes to app/internal-jobs.ts; a plain TUI line on a
// terminal goes to the TUI (cli/tui-fast-path.ts) and a plain `run` line to run's handler
// (cli/run-fast-path.ts), both without yargs; every other line goes through the CLI. esbuild
// evaluates their modules only when first imported.

import { INTERNAL_JOB } from './base/self-command.js';
import { endQuietlyWhenOutputCloses } from './cli/closed-output.js';

declare const STRATA_VERSION: string | undefined;
const version = typeof STRATA_VERSION === 'string' ? STRATA_VERSION : 'dev';

// In the binary, the entry guard (build/entry-guard.c) has made argv[0] "--" before Node.js
// started, so Node.js takes no option or env file from the command line; Node.js then drops that
// "--" as the end of its own options, and the first argument of the command line is argv[1].
// From source (`node … src/main.ts`), argv[1] is the script.
const args = process.argv.slice(process.argv0 === '--' ? 1 : 2);
if (args.length === 1 && (args[0] === '--version' || args[0] === 'version')) {
  process.stdout.write(`strata ${version}\n`);
} else {
  // When the event loop has nothing left (the command is done, its output written, its children's
  // handles closed), Node.js would exit next, after tearing its heap down: exit without that.
  process.once('beforeExit', () => process.exit());
  if (args[0] === INTERNAL_JOB) {
    import('./app/internal-jobs.js')
      .then(({ runInternalJob }) => runInternalJob(args.slice(1)))
      .catch(async (err: unknown) => (await import('./cli/failure.js')).reportFailure(err))
      .then((code) => {
        process.exitCode = code;
      });
  } else {
    // `strata … | head`: the reader going ends strata as it ends any Unix filter.
    endQuietlyWhenOutputCloses();
    import('./cli/tui-fast-path.js')
      .then(({ tuiFastPath }) => tuiFastPath(args))
      .then(async (code) => code ?? (await import('./cli/run-fast-path.js')).runFastPath(args))
      .then(async (code) => {
        process.exitCode = code ?? await (await import('./cli/cli.js')).runCli(args, version);
      });
  }
}
