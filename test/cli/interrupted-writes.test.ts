// A strata command interrupted at any step of its writes leaves nothing that needs a person. The
// command runs under strace, which sends it a signal as it enters its Nth rename, link or unlink —
// every step that publishes, reserves or removes something in the store, or the archive `save`
// writes — for N = 1, 2, … until the command finishes before its Nth call: SIGKILL always, and
// SIGINT too for the commands that undo their work on one (commit's pause, save's partial file).
// After each, once the next command has run: no staging, lease or lock of the dead process, no
// temporary file, no frozen container, no partial archive, and `check` finds the store sound.
// End to end through dist/strata.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY, cleanEnv, runStrata, strataOk, tempStore } from '../helpers/cli.js';
import { freezerState, freezerStateFile } from '../helpers/freezer.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

const SYSCALLS = ['rename', 'link', 'unlink'] as const;

interface Case {
  readonly args: readonly string[];
  /** Interrupted by SIGINT too: the command has work to undo when it is. */
  readonly undoesInterrupts?: boolean;
  /** The next command, and what must hold once it has run. */
  readonly next: (signal: string) => void;
  /** Back to the store the command starts from. */
  readonly reset: () => void;
}

/** `strata ARGS`, sent SIG by strace as it enters its Nth call of SYSCALL; true when it finished
 * before making that call. */
function interruptedAt(args: readonly string[], syscall: string, n: number, signal: string): boolean {
  const r = spawnSync('strace', ['-qq', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:signal=${signal}:when=${n}`,
    BINARY, '--root', t.root, ...args], { env: cleanEnv(), timeout: 120_000 });
  if (r.error) throw new Error('run strace', { cause: r.error });
  if (r.status === 0) return true;
  // strace dies of the signal its tracee died of.
  assert.is(r.signal, `SIG${signal}`, `strata ${args.join(' ')} at ${syscall} #${n}: ${r.stderr}`);
  return false;
}

/** Nothing of a dead process left in the store, and `check` finds it sound. */
function assertSound(where: string): void {
  for (const dir of ['staging', 'leases', 'locks']) assert.equal(readdirSync(join(t.root, dir)), [], `${where}: ${dir}`);
  for (const dir of ['images', 'tags', 'layers']) {
    assert.equal(readdirSync(join(t.root, dir)).filter((n) => n.startsWith('.')), [], `${where}: ${dir}`);
  }
  const r = runStrata(['check'], opts);
  assert.is(r.stdout.toString(), '', where);
  assert.is(r.status, 0, where);
}

/** Kills `c.args` before each of its steps in turn; the number of steps. */
function interruptEverywhere(c: Case): number {
  let steps = 0;
  for (const signal of c.undoesInterrupts ? ['KILL', 'INT'] : ['KILL']) {
    for (const syscall of SYSCALLS) {
      for (let n = 1; ; n++) {
        if (n > 200) throw new Error(`strata ${c.args.join(' ')} made more than 200 ${syscall} calls`);
        const finished = interruptedAt(c.args, syscall, n, signal);
        const where = `${c.args.join(' ')}: SIG${signal} at ${syscall} #${n}`;
        if (!finished) {
          steps++;
          c.next(signal);
          assertSound(where);
        }
        c.reset();
        if (finished) break;
      }
    }
  }
  return steps;
}

const untag = (ref: string) => {
  if (runStrata(['inspect', ref], opts).status === 0) ok('rmi', ref);
  ok('prune');
};

test.before(() => {
  ok('images');
});

test('commit of a running container, interrupted anywhere: thawed by the next command, no layer without its image', () => {
  const id = ok('run', '-d', '--name', 'live', 'busybox', 'sh', '-c', 'echo changed > /changed; exec sleep 1000').trim();
  for (let i = 0; runStrata(['exec', 'live', 'test', '-e', '/changed'], opts).status !== 0; i++) {
    if (i > 400) throw new Error('the container never made its change');
    execFileSync('sleep', ['0.05']);
  }
  const state = freezerStateFile(id);
  try {
    const steps = interruptEverywhere({
      args: ['commit', 'live', 'img:c'],
      undoesInterrupts: true,
      next: () => {
        assert.match(ok('ps'), /Up .* live\n/);
        assert.is(freezerState(state), 'THAWED');
      },
      reset: () => untag('img:c'),
    });
    assert.ok(steps > 10, `${steps} steps`);
  } finally {
    ok('rm', '-f', 'live');
  }
});

test('tag, interrupted anywhere: no temporary file in tags/', () => {
  interruptEverywhere({
    args: ['tag', 'busybox', 'img:t'],
    next: () => void ok('images'),
    reset: () => {
      if (runStrata(['inspect', 'img:t'], opts).status === 0) ok('rmi', 'img:t');
    },
  });
});

test('import, interrupted anywhere: no layer without its image', () => {
  const rootfs = join(t.scratch, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc', 'imported'), 'imported\n');
  execFileSync('tar', ['-C', rootfs, '-cf', join(t.scratch, 'rootfs.tar'), '.']);
  interruptEverywhere({
    args: ['import', join(t.scratch, 'rootfs.tar'), 'img:i'],
    next: () => void ok('images'),
    reset: () => untag('img:i'),
  });
});

test('load, interrupted anywhere: no layer without its image', () => {
  const other = tempStore();
  strataOk(['import', join(t.scratch, 'rootfs.tar'), 'loaded:1'], { root: other.root });
  const archive = join(t.scratch, 'loaded.tar');
  strataOk(['save', '-o', archive, 'loaded:1'], { root: other.root });
  other.cleanup();
  interruptEverywhere({
    args: ['load', archive],
    next: () => void ok('images'),
    reset: () => untag('loaded:1'),
  });
});

test('save -o FILE, interrupted anywhere: an interrupt removes the partial file; a later save removes a killed one\'s', () => {
  const dir = join(t.scratch, 'out');
  mkdirSync(dir);
  const file = join(dir, 'busybox.tar');
  interruptEverywhere({
    args: ['save', '-o', file, 'busybox'],
    undoesInterrupts: true,
    next: (signal) => {
      if (signal === 'INT') assert.equal(readdirSync(dir).filter((n) => n.endsWith('.part')), []);
      ok('save', '-o', file, 'busybox');
      assert.equal(readdirSync(dir), ['busybox.tar']);
    },
    reset: () => rmSync(file, { force: true }),
  });
});

test.run();
