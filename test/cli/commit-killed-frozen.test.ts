// `commit` killed with SIGKILL while it holds a running container frozen cannot thaw it: the next
// command that touches the container (`ps`, `exec`) does, once the holder is dead — and never
// while it lives (a stopped `commit` still holds its freeze). End to end through dist/strata, on
// the host's v1 freezer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { exited, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';
import { freezerState, freezerStateFile } from '../helpers/freezer.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

/** A running container with 64 MiB to commit: reading it keeps the container frozen a while. */
function bigContainer(name: string): string {
  const id = ok('run', '-d', '--name', name, 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1M count=64 2>/dev/null; echo ready > /ready; exec sleep 1000').trim();
  for (let i = 0; i < 400; i++) {
    if (runStrata(['exec', name, 'test', '-e', '/ready'], opts).status === 0) return id;
    execFileSync('sleep', ['0.05']);
  }
  throw new Error(`${name} never got ready`);
}

/** Starts `commit` and stops it (SIGSTOP) while the container is frozen: a holder that is alive
 * and will not let go until continued. */
async function commitStoppedWhileFrozen(name: string, state: string): Promise<ChildProcess> {
  const commit = spawnStrata(['commit', name], opts);
  let done = false;
  void exited(commit).then(() => (done = true));
  const deadline = Date.now() + 60_000;
  while (freezerState(state) !== 'FROZEN') {
    if (done) throw new Error('commit ended before the container was seen frozen');
    if (Date.now() > deadline) throw new Error('the container was never seen frozen');
    await new Promise((r) => setTimeout(r, 1));
  }
  commit.kill('SIGSTOP');
  // Seen frozen before the stop, and still frozen after it: the stop came inside the freeze.
  if (freezerState(state) !== 'FROZEN') throw new Error('commit thawed the container before it was stopped (make its layer bigger)');
  return commit;
}

test('a live commit\'s freeze is left alone by ps; it thaws the container itself when it goes on', async () => {
  const id = bigContainer('held');
  const state = freezerStateFile(id);
  try {
    const commit = await commitStoppedWhileFrozen('held', state);
    assert.match(ok('ps'), /Up .* held\n/);
    assert.is(freezerState(state), 'FROZEN', 'ps thawed a freeze whose holder lives');
    commit.kill('SIGCONT');
    assert.is(await exited(commit), 0);
    assert.is(freezerState(state), 'THAWED');
  } finally {
    ok('rm', '-f', 'held');
  }
});

test('commit killed with SIGKILL while the container is frozen: ps thaws it, exec works, check passes', async () => {
  const id = bigContainer('orphaned');
  const state = freezerStateFile(id);
  try {
    const commit = await commitStoppedWhileFrozen('orphaned', state);
    commit.kill('SIGKILL');
    await exited(commit);
    assert.is(freezerState(state), 'FROZEN', 'nothing thaws it but the next command');
    assert.match(ok('ps'), /Up .* orphaned\n/);
    assert.is(freezerState(state), 'THAWED');
    assert.is(ok('exec', 'orphaned', 'echo', 'thawed'), 'thawed\n');
    assert.is(ok('check'), '');
  } finally {
    ok('rm', '-f', 'orphaned');
  }
});

test('commit killed with SIGKILL while the container is frozen: exec, the first command after it, thaws it and runs', async () => {
  const id = bigContainer('joined');
  const state = freezerStateFile(id);
  try {
    const commit = await commitStoppedWhileFrozen('joined', state);
    commit.kill('SIGKILL');
    await exited(commit);
    // Joining the frozen cgroup froze the new process too, and exec hung, deaf to SIGTERM.
    const exec = spawnStrata(['exec', 'joined', 'echo', 'joined'], opts);
    let out = '';
    exec.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const hung = setTimeout(() => exec.kill('SIGKILL'), 30_000);
    const status = await exited(exec);
    clearTimeout(hung);
    assert.is(status, 0, 'exec hung');
    assert.is(out, 'joined\n');
    assert.is(freezerState(state), 'THAWED');
  } finally {
    ok('rm', '-f', 'joined');
  }
});

test.run();
