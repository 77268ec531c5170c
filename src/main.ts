// strata's entry point. `--version` is answered before anything else loads; every other command
// goes through the CLI, whose modules esbuild evaluates only when first imported.

declare const STRATA_VERSION: string | undefined;
const version = typeof STRATA_VERSION === 'string' ? STRATA_VERSION : 'dev';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === 'version')) {
  process.stdout.write(`strata ${version}\n`);
} else {
  import('./cli/cli.js')
    .then(({ runCli }) => runCli(args, version))
    .then((code) => {
      process.exitCode = code;
    });
}
