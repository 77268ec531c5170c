// What the sandboxed process is: argv, environment and working directory, from the image's
// config and the command line, by Docker's rules:
//   - argv = Entrypoint + Cmd. `--entrypoint X` replaces the Entrypoint with [X] ("" clears it)
//     and drops the image's Cmd; arguments after IMAGE replace Cmd.
//   - env: PATH (Docker's default), HOSTNAME and, with -t, TERM=xterm; then the image's Env;
//     then --env-file and -e in order (later wins; "K" alone copies K from the environment strata
//     was started with, or drops it when unset); HOME from the passwd entry when still unset.
//   - cwd: -w, else the image's WorkingDir, else "/"; it must be absolute.

import { readFileSync } from 'node:fs';
import { callerEnvironment } from '../../base/caller-environment.js';
import { StrataError, UsageError } from '../../base/errors.js';
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
  return argv;
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
    if (key === '') throw new UsageError(`invalid environment variable "${kv}" (${origin})`);
    if (eq >= 0) env.set(key, kv.slice(eq + 1));
    else if (hostEnv[key] !== undefined) env.set(key, hostEnv[key]!);
    else env.delete(key);
  };
  env.set('PATH', DEFAULT_PATH);
  env.set('HOSTNAME', facts.hostname);
  if (cli.tty) env.set('TERM', 'xterm');
  for (const kv of config.Env ?? []) if (kv.includes('=')) set(kv, 'image');
  for (const file of cli.envFiles ?? []) for (const kv of readEnvFile(file)) set(kv, file);
  for (const kv of cli.env ?? []) set(kv, '-e');
  if (!env.has('HOME')) env.set('HOME', facts.home);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

export function commandCwd(config: ContainerConfig, cli: CommandLine): string {
  const dir = cli.workdir ?? (config.WorkingDir || '/');
  if (!dir.startsWith('/')) throw new UsageError(`the working directory "${dir}" is invalid: it needs to be an absolute path`);
  return dir;
}
