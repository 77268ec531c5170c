// Running the native helper: the program goes in on fd 3 (ops.ts), the caller's stdout
// and stderr are handed over as they are (binary-safe, no copy through Node.js), stdin only when
// asked for (else /dev/null). The helper gets a session of its own, so a Ctrl-C typed at the
// terminal reaches strata alone, and strata forwards it — and every other signal it is sent — to
// the helper's monitor, which passes it into the sandbox: each signal arrives exactly once.
// The terminal's window-size signal goes to strata's process group too, so it is forwarded with
// -t. If strata dies, the helper dies with it (PR_SET_PDEATHSIG), and the sandbox with the helper.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { constants as os } from 'node:os';
import { StrataError } from '../../base/errors.js';
import { createStagingFile } from '../../store/staging.js';
import { helperPath } from './binary.js';
import { encodeProgram, type NodeSpec, type Op } from './ops.js';
import type { Store } from '../../store/store.js';

/** Receivers of a command's output, chunk by chunk. */
export interface HelperCapture {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

/** Files (descriptors) a detached container's output goes to. */
export interface HelperOutput {
  readonly stdout: number;
  readonly stderr: number;
  /** A line of strata's own for the container's error stream. */
  writeError(line: string): void;
}

export interface HelperOptions {
  /** Pass strata's stdin (-i, -t); otherwise the sandbox reads /dev/null. */
  readonly stdin: boolean;
  /** Forward SIGWINCH (-t). */
  readonly tty: boolean;
  /** Output and errors to discard instead of passing through (helper-internal runs). */
  readonly quiet?: boolean;
  /** With `quiet`: the command's output, instead of discarding it. */
  readonly onStdout?: (chunk: Buffer) => void;
  /** Where output goes instead of strata's own stdout and stderr. */
  readonly output?: HelperOutput;
  /** The command's stdout and stderr, each through a pipe to these (batch jobs). */
  readonly capture?: HelperCapture;
  /** Bytes for the command's stdin, through a pipe closed after them (instead of `stdin`). */
  readonly input?: Buffer;
  /** Forward the signals strata gets to the helper (default true). A caller running several
   * helpers at once stops them itself. */
  readonly forwardSignals?: boolean;
  /** Called once the helper runs, with its pid. */
  readonly onStart?: (pid: number) => void;
  /** The program has a `sync`: called with the pid the helper's child writes on fd 4 (e.g. to
   * run newuidmap for it); the child goes on once this returns, and fails if it throws. */
  readonly onSync?: (pid: number) => void;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

/** Run a program; resolves to the helper's exit status (128+N if it died of signal N). */
export function runHelper(store: Store, ops: readonly Op[], options: HelperOptions): Promise<number> {
  const helper = helperPath(store);
  const program = programFile(store, encodeProgram(ops));
  return new Promise((resolve, reject) => {
    const out = options.quiet || options.capture ? 'pipe' : 'inherit';
    const input = options.input !== undefined ? 'pipe' : options.stdin ? 'inherit' : 'ignore';
    let child: ChildProcess;
    try {
      child = spawn(helper, [], {
        stdio: [input, options.output?.stdout ?? out, options.output?.stderr ?? out, program, ...(options.onSync ? ['pipe', 'pipe'] as const : [])],
        env: {},
        detached: true,
      });
    } finally {
      // The helper has its own descriptor now (spawn returns once it runs, or has failed).
      closeSync(program);
    }
    let errors = '';
    if (options.input !== undefined) {
      // A command that exits without reading all of it closes the pipe: not an error of the run.
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input);
    }
    if (options.capture) {
      child.stdout?.on('data', options.capture.stdout);
      child.stderr?.on('data', options.capture.stderr);
    } else if (options.quiet) {
      if (options.onStdout) child.stdout?.on('data', options.onStdout);
      else child.stdout?.resume();
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (errors += d));
    }
    const signals: NodeJS.Signals[] = options.forwardSignals === false ? [] : [...FORWARDED, ...(options.tty ? ['SIGWINCH' as const] : [])];
    const forward = (signal: NodeJS.Signals) => {
      try {
        child.kill(signal);
      } catch {
        // It has just exited.
      }
    };
    for (const s of signals) process.on(s, forward);
    const done = () => {
      for (const s of signals) process.off(s, forward);
    };
    child.on('error', (err) => {
      done();
      reject(new StrataError(`cannot start the helper ${helper}`, { cause: err, exitCode: 125 }));
    });
    // A caller's step that fails (onStart, onSync) ends the run: the helper is killed, and the
    // run fails with that step's error once the helper is gone.
    let stepError: unknown;
    child.on('spawn', () => {
      try {
        options.onStart?.(child.pid!);
      } catch (err) {
        stepError = err;
        child.kill('SIGKILL');
      }
    });
    if (options.onSync) {
      const stdio = child.stdio as unknown as readonly unknown[];
      const fd4 = stdio[4] as NodeJS.ReadableStream & { destroy(): void };
      const fd5 = stdio[5] as NodeJS.WritableStream & { destroy(): void };
      fd5.on('error', () => {
        // The child died first; its status says why.
      });
      let line = '';
      fd4.setEncoding('utf8');
      fd4.on('data', (d: string) => {
        line += d;
        if (!line.includes('\n')) return;
        fd4.destroy();
        try {
          options.onSync!(Number(line.trim()));
          fd5.end('.');
        } catch (err) {
          // Closing fd 5 unwritten makes the child fail its `sync`.
          stepError = err;
          fd5.destroy();
        }
      });
    }
    child.on('close', (code, signal) => {
      done();
      if (stepError !== undefined) return reject(stepError);
      if (options.quiet && code !== 0 && errors) process.stderr.write(errors);
      resolve(code ?? 128 + (signal ? os.signals[signal] : 0));
    });
  });
}

/** Run the `xattr-dirs` query (ops.ts); resolves to what it wrote on stdout.
 * A failure carries the helper's own line ("strata-helper: STEP: REASON"). */
export function queryHelper(store: Store, query: Extract<Op, { op: 'xattr-dirs' }>): Promise<Buffer> {
  const helper = helperPath(store);
  const program = programFile(store, encodeProgram([query]));
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(helper, [], { stdio: ['ignore', 'pipe', 'pipe', program], env: {} });
    } finally {
      closeSync(program);
    }
    const out: Buffer[] = [];
    let errors = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (errors += d));
    child.on('error', (err) => reject(new StrataError(`cannot start the helper ${helper}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out));
      reject(new StrataError(errors.trim() || `the helper's ${query.op} ended with ${signal ?? `status ${code}`}`));
    });
  });
}

/** fsetxattr on an open descriptor, through the helper's `set-xattr` query; synchronous, for
 * code that holds the descriptor in a synchronous walk (changes/copy-in.ts). */
export function setXattrSync(store: Store, fd: number, name: string, value: string): void {
  const program = programFile(store, encodeProgram([{ op: 'set-xattr', fd: 4, name, value }]));
  try {
    const r = spawnSync(helperPath(store), [], { stdio: ['ignore', 'ignore', 'pipe', program, fd], env: {} });
    if (r.error) throw new StrataError('cannot start the helper', { cause: r.error });
    if (r.status !== 0) throw new StrataError(r.stderr.toString().trim() || `the helper's set-xattr ended with status ${r.status}`);
  } finally {
    closeSync(program);
  }
}

/** syncfs(2) of the filesystem holding the directory `path`, through the helper's `syncfs` query:
 * the store's way to put a tree on the disk in one call (Store.syncFilesystem). */
export function syncFilesystem(store: Store, path: string): Promise<void> {
  const helper = helperPath(store);
  const dir = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  let program: number;
  try {
    program = programFile(store, encodeProgram([{ op: 'syncfs', fd: 4 }]));
  } catch (err) {
    closeSync(dir);
    throw err;
  }
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(helper, [], { stdio: ['ignore', 'ignore', 'pipe', program, dir], env: {} });
    } finally {
      closeSync(program);
      closeSync(dir);
    }
    let errors = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (errors += d));
    child.on('error', (err) => reject(new StrataError(`cannot start the helper ${helper}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      reject(new StrataError(errors.trim() || `the helper's syncfs ended with ${signal ?? `status ${code}`}`));
    });
  });
}

/** The program in a file no other process can reach, for the helper's fd 3: made in the store's
 * staging (0700) and unlinked at once; the helper reads it to the end, as it would a pipe. (A
 * pipe would need a socket object of Node.js around it, which costs more to start than this.) */
function programFile(store: Store, program: Buffer): number {
  const { path, fd } = createStagingFile(store);
  try {
    unlinkSync(path);
    // Written at explicit offsets, so the file offset the helper reads from stays at 0.
    for (let off = 0; off < program.length;) off += writeSync(fd, program, off, program.length - off, off);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw new StrataError(`write the helper's program to ${path}`, { cause: err });
  }
}

/** Device nodes and fifos made by the helper (Node.js cannot mknod): a program of mknod steps
 * that ends by exec'ing a no-op. */
export function helperNodeMaker(store: Store): (nodes: readonly NodeSpec[]) => Promise<void> {
  return async (nodes) => {
    const noop = existsSync('/bin/true') ? ['/bin/true'] : [process.execPath, '--version'];
    const ops: Op[] = [
      ...nodes.map((n): Op => ({ op: 'mknod', path: n.path, type: n.type, mode: n.mode, major: n.major, minor: n.minor })),
      { op: 'exec', env: [], argv: noop },
    ];
    const code = await runHelper(store, ops, { stdin: false, tty: false, quiet: true });
    if (code !== 0) throw new StrataError(`the helper could not make ${nodes.length} device node(s) (status ${code})`);
  };
}
