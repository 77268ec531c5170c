// What the sandboxed process is: argv, environment and working directory, from the image's
// config and the command line, by Docker's rules:
//   - argv = Entrypoint + Cmd. `--entrypoint X` replaces the Entrypoint with [X] ("" clears it)
//     and drops the image's Cmd; arguments after IMAGE replace Cmd.
//   - env: PATH (Docker's default), HOSTNAME and, with -t, TERM=xterm; then the image's Env;
//     then --env-file and -e in order (later wins; "K" alone copies K from the environment strata
//     was started with, or drops it when unset); HOME from the passwd entry when still unset.
//   - cwd: -w, else the image's WorkingDir, else "/"; it must be absolute.
// What the helper would refuse — an empty command name, a NUL byte, a variable without a name —
// is refused here, before it starts: a usage error naming the flag when the command line gave
// it, status 125 naming the image or the file when they did.

import { readFileSync } from 'node:fs';
import { callerEnvironment } from '../../base/caller-environment.js';
import { StrataError, UsageError, invalidValue } from '../../base/errors.js';
import type { ContainerConfig } from '../../store/image-config.js';
import { DEFAULT_PATH } from './hardening.js';

export interface CommandLine {
  /** Arguments after IMAGE. */
  readonly args: readonly string[];
  readonly entrypoint?: string;
  /** -e values, in order. */
  readonly env?: readonly string[];
  /** --env-file paths, in order. */
  readonly envFiles?: readonly string[];
  readonly workdir?: string;
  readonly tty?: boolean;
}

export function commandArgv(config: ContainerConfig, cli: CommandLine): string[] {
  const entrypoint = cli.entrypoint !== undefined ? (cli.entrypoint === '' ? [] : [cli.entrypoint]) : config.Entrypoint ?? [];
  const cmd = cli.args.length > 0 ? [...cli.args] : cli.entrypoint !== undefined ? [] : config.Cmd ?? [];
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw new StrataError('no command specified: the image has no Cmd or Entrypoint; give one after the image', { exitCode: 125 });
  // The words of a command line hold no NUL byte; an image's JSON config can.
  if (argv.some((a) => a.includes('\0'))) throw new StrataError("the image's Entrypoint or Cmd holds a NUL byte", { exitCode: 125 });
  if (argv[0] === '') {
    // The command line's words come first when no Entrypoint precedes them.
    if (entrypoint.length === 0 && cli.args.length > 0) checkCommandName(argv);
    throw new StrataError("the image's Entrypoint or Cmd starts with an empty command name", { exitCode: 125 });
  }
  return argv;
}

/** A command given on the command line (run's or exec's words after IMAGE or CONTAINER). */
export function checkCommandName(argv: readonly string[]): void {
  if (argv[0] === '') throw new UsageError('invalid command "": the name of the program to run is empty');
}

/** Read --env-file lines: "K=V", "K" (taken from the caller's environment), blank lines and "#" comments skipped. */
export function readEnvFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new StrataError(`cannot read env file ${path}`, { cause: err, exitCode: 125 });
  }
  return text.split(/\r?\n/).map((l) => l.replace(/^\s+/, '')).filter((l) => l !== '' && !l.startsWith('#'));
}

export function commandEnv(config: ContainerConfig, cli: CommandLine, facts: { hostname: string; home: string }, hostEnv: Readonly<Record<string, string | undefined>> = callerEnvironment()): string[] {
  const env = new Map<string, string>();
  const set = (kv: string, origin: string) => {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    const why = key === '' ? 'a variable needs a name (K=V, or K)' : kv.includes('\0') ? 'it holds a NUL byte' : undefined;
    if (why !== undefined && origin === '-e') throw invalidValue('--env', kv, why);
    if (why !== undefined) throw new StrataError(`invalid environment variable "${kv}" in ${origin}: ${why}`, { exitCode: 125 });
    if (eq >= 0) env.set(key, kv.slice(eq + 1));
    else if (hostEnv[key] !== undefined) env.set(key, hostEnv[key]!);
    else env.delete(key);
  };
  env.set('PATH', DEFAULT_PATH);
  env.set('HOSTNAME', facts.hostname);
  if (cli.tty) env.set('TERM', 'xterm');
  for (const kv of config.Env ?? []) if (kv.includes('=')) set(kv, "the image's Env");
  for (const file of cli.envFiles ?? []) for (const kv of readEnvFile(file)) set(kv, file);
  for (const kv of cli.env ?? []) set(kv, '-e');
  if (!env.has('HOME')) env.set('HOME', facts.home);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

export function commandCwd(config: ContainerConfig, cli: CommandLine): string {
  if (cli.workdir !== undefined) {
    if (!cli.workdir.startsWith('/')) throw invalidValue('--workdir', cli.workdir, 'an absolute path');
    return cli.workdir;
  }
  const dir = config.WorkingDir || '/';
  if (!dir.startsWith('/')) throw new StrataError(`the image's working directory "${dir}" is not an absolute path`, { exitCode: 125 });
  if (dir.includes('\0')) throw new StrataError("the image's working directory holds a NUL byte", { exitCode: 125 });
  return dir;
}
