// A long-lived helper that starts one helper per request (serve.c): what a batch uses instead of
// a Node.js spawn per job. Node.js's spawn forks the whole Node.js process; the server, a small
// static process, forks in a fraction of that (serve.c says what it measured). Each helper it
// starts runs its program exactly as a spawned one does; its stdout and stderr come back framed on
// the server's stdout, its stdin is the bytes given. Only for programs without a `sync` (the
// rootless id mapping needs fds 4 and 5 to strata) and without strata's own terminal.

import { spawn, type ChildProcess } from 'node:child_process';
import { StrataError } from '../../base/errors.js';
import type { Store } from '../../store/store.js';
import { helperPath } from './binary.js';
import { encodeProgram, type Op } from './ops.js';
import type { HelperCapture } from './process.js';

interface Pending {
  readonly capture: HelperCapture;
  readonly onStart?: (pid: number) => void;
  readonly resolve: (status: number) => void;
  readonly reject: (err: unknown) => void;
}

export interface ServedRun {
  readonly capture: HelperCapture;
  readonly input?: Buffer;
  readonly onStart?: (pid: number) => void;
}

export class HelperServer {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffered = Buffer.alloc(0);
  private failure: Error | undefined;

  constructor(store: Store) {
    const helper = helperPath(store);
    this.child = spawn(helper, ['serve'], { stdio: ['pipe', 'pipe', 'pipe'], env: {}, detached: true });
    let errors = '';
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (errors += d));
    this.child.stdin!.on('error', () => {
      // It died: 'close' says why.
    });
    this.child.stdout!.on('data', (d: Buffer) => this.take(d));
    const fail = (err: Error) => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.child.on('error', (err) => fail(new StrataError(`cannot start the helper ${helper}`, { cause: err })));
    this.child.on('close', (code, signal) => {
      if (this.pending.size > 0) fail(new StrataError(errors.trim() || `the helper server ended with ${signal ?? `status ${code}`}`));
    });
  }

  /** Run a program; resolves to its status as runHelper's (128+N for signal N). */
  run(ops: readonly Op[], o: ServedRun): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const program = encodeProgram(ops);
    const input = o.input ?? Buffer.alloc(0);
    const head = Buffer.alloc(9);
    head.write('R', 0, 'latin1');
    head.writeUInt32LE(id, 1);
    head.writeUInt32LE(program.length, 5);
    const inputLength = Buffer.alloc(4);
    inputLength.writeUInt32LE(input.length, 0);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { capture: o.capture, ...(o.onStart ? { onStart: o.onStart } : {}), resolve, reject });
      this.child.stdin!.write(Buffer.concat([head, program, inputLength, input]));
    });
  }

  /** No more requests: resolves once the server has exited (after the running ones ended). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('close', () => resolve());
      this.child.stdin!.end();
    });
  }

  /** The answers, whole frames at a time (serve.c has their format). */
  private take(chunk: Buffer): void {
    let buf = this.buffered.length > 0 ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (buf.length >= 9) {
      const kind = String.fromCharCode(buf[0]!);
      const id = buf.readUInt32LE(1);
      const value = buf.readUInt32LE(5);
      const length = kind === 'O' || kind === 'E' ? value : 0;
      if (buf.length < 9 + length) break;
      const p = this.pending.get(id);
      if (p) {
        if (kind === 'P') this.started(p, value);
        else if (kind === 'O') p.capture.stdout(buf.subarray(9, 9 + length));
        else if (kind === 'E') p.capture.stderr(buf.subarray(9, 9 + length));
        else if (kind === 'X') {
          this.pending.delete(id);
          p.resolve(value);
        }
      }
      buf = buf.subarray(9 + length);
    }
    this.buffered = Buffer.from(buf);
  }

  private started(p: Pending, pid: number): void {
    try {
      p.onStart?.(pid);
    } catch (err) {
      // As runHelper: a caller's step that fails ends the run.
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
      p.reject(err);
    }
  }
}
