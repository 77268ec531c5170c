// strata's entry point. `--version` is answered before anything else loads; a plain TUI line on a
// terminal goes to the TUI (cli/tui-fast-path.ts) and a plain `run` line to run's handler
// (cli/run-fast-path.ts), both without yargs; every other line goes through the CLI. esbuild
// evaluates their modules only when first imported.

declare const STRATA_VERSION: string | undefined;
const version = typeof STRATA_VERSION === 'string' ? STRATA_VERSION : 'dev';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === 'version')) {
  process.stdout.write(`strata ${version}\n`);
} else {
  // When the event loop has nothing left (the command is done, its output written, its children's
  // handles closed), Node.js would exit next, after tearing its heap down: exit without that.
  process.once('beforeExit', () => process.exit());
  import('./cli/tui-fast-path.js')
    .then(({ tuiFastPath }) => tuiFastPath(args))
    .then(async (code) => code ?? (await import('./cli/run-fast-path.js')).runFastPath(args))
    .then(async (code) => {
      process.exitCode = code ?? await (await import('./cli/cli.js')).runCli(args, version);
    });
}
