// End-to-end tests run the built single binary, dist/strata, the way a user does: a fresh store per
// test (`--root`), a clean environment, real processes. Build it first with `node build.mjs`.

import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BINARY = join(REPO, 'dist', 'strata');

/** The path of dist/strata; throws a message that says how to make it when it is missing. */
export function requireBinary(): string {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} not found: build it with \`node build.mjs\` (npm test does) before the end-to-end tests`);
  }
  return BINARY;
}

export interface StrataResult {
  /** Exit status, or null when killed by a signal. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface RunOptions {
  /** The store, passed as `--root`. */
  readonly root: string;
  readonly input?: string | Buffer;
  /** Added to the clean environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Kill the binary after this long (default 60 s): a hung command fails its test. */
  readonly timeoutMs?: number;
}

/**
 * The environment every run starts from: PATH and HOME, C.UTF-8, no colour. Left out on purpose:
 * the caller's NODE_* variables (the binary withholds them from its Node.js, but a test that means
 * to pass one says so), and STRATA_ROOT / STRATA_DEBUG (a test sets what it means to test).
 */
export function cleanEnv(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `dist/strata --root ROOT ARGS…` and returns what it did. Never throws for a failed command. */
export function runStrata(args: readonly string[], options: RunOptions): StrataResult {
  const r = spawnSync(requireBinary(), ['--root', options.root, ...args], {
    input: options.input,
    env: cleanEnv(options.env),
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (r.error) throw new Error(`run strata ${args.join(' ')}`, { cause: r.error });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** runStrata for a command that must succeed: throws with its stderr otherwise. */
export function strataOk(args: readonly string[], options: RunOptions): StrataResult & { readonly text: string } {
  const r = runStrata(args, options);
  if (r.status !== 0) {
    throw new Error(`strata ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  }
  return { ...r, text: r.stdout.toString('utf8') };
}

export interface TempStore {
  /** Where the store goes; not created, so strata makes it (mode, format marker) itself. */
  readonly root: string;
  /** A scratch directory beside it for the test's own files. */
  readonly scratch: string;
  cleanup(): void;
}

const leftovers = new Set<string>();
process.on('exit', () => {
  for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, empty store location under the system temp dir, removed by cleanup() or at exit. */
export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'strata-test-'));
  leftovers.add(dir);
  const scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  return {
    root: join(dir, 'store'),
    scratch,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      leftovers.delete(dir);
    },
  };
}

/** Starts `dist/strata --root ROOT ARGS…` without waiting (signals, kill -9, concurrency). */
export function spawnStrata(args: readonly string[], options: RunOptions & { readonly stdio?: StdioOptions }): ChildProcess {
  return spawn(requireBinary(), ['--root', options.root, ...args], {
    env: cleanEnv(options.env),
    cwd: options.cwd,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the exit status (or 128+N for a signal) once `child` has exited. */
export function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  });
}
