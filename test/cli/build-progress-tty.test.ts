// `strata build` in a real terminal (tmux): with no --progress (auto) on a terminal the live
// display is drawn — the running RUN with its spinner and its last lines of output, finished
// steps one line each with their time, FINISHED at the end — and --progress plain there stays
// line by line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBinary, tempStore } from '../helpers/cli.js';
import { has, tmuxSession } from '../helpers/tmux.js';

const binary = requireBinary();
const socket = `strata-test-build-tty-${process.pid}`;
const { tmux, waitFor } = tmuxSession(socket, 'build');
const { scratch, cleanup } = tempStore();
const stores: (() => void)[] = [];
const context = join(scratch, 'ctx');
mkdirSync(context);
writeFileSync(join(context, 'data'), Buffer.alloc(3_000_000, 1));
// Eight lines, then a pause long enough to read the running step's window.
writeFileSync(join(context, 'Dockerfile'), [
  'FROM busybox',
  'COPY data /data',
  'RUN for i in 1 2 3 4 5 6 7 8; do echo line-$i; done; sleep 4; echo done',
  '',
].join('\n'));

/** Each build in a store of its own: nothing of one is a cache hit for the other. */
function build(args: string): void {
  const { root, cleanup: drop } = tempStore();
  stores.push(drop);
  const env = 'env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color';
  tmux('new-session', '-d', '-s', 'build', '-x', '100', '-y', '30', `${env} ${binary} --root ${root} build ${args} ${context} >/dev/null; echo EXIT=$?; sleep 60`);
}

function stop(): void {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
}

test('auto on a terminal: the live display, then every step on one line with its time', async () => {
  build('');
  try {
    const running = (await waitFor('the running RUN with its window', has(' => => line-8'), 60_000)).split('\n');
    assert.match(running[0]!, /^\[\+\] Building \d+\.\ds \(2\/3\)$/);
    assert.match(running[1]!, /^ => \[stage 0 1\/3\] FROM busybox +\d+\.\ds$/);
    assert.match(running[2]!, /^ => \[stage 0 2\/3\] COPY data \/data +\d+\.\ds$/);
    assert.match(running[3]!, /^ [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \[stage 0 3\/3\] RUN for i in .* +\d+\.\ds$/);
    // Why it runs, then the window: the last six lines, not all eight.
    assert.is(running[4], ' => => not cached: no cache entry');
    assert.equal(running.slice(5, 11), ['line-3', 'line-4', 'line-5', 'line-6', 'line-7', 'line-8'].map((l) => ` => => ${l}`));
    const done = (await waitFor('the end', has('EXIT='), 60_000)).split('\n');
    assert.match(done[0]!, /^\[\+\] Building \d+\.\ds \(3\/3\) FINISHED$/);
    assert.match(done[3]!, /^ => \[stage 0 3\/3\] RUN for i in .* +[4-9]\.\ds$/);
    // The block was redrawn in place: no line of it is left behind, the output window is gone.
    assert.is(done[4], 'EXIT=0');
    assert.not.ok(done.some((l) => l.includes('line-8')));
  } finally {
    stop();
  }
});

test('--progress plain on a terminal: line by line', async () => {
  build('--progress plain');
  try {
    const screen = await waitFor('the end', has('EXIT='), 60_000);
    assert.is(screen.trimEnd(), [
      '[stage 0 1/3] FROM busybox',
      '[stage 0 2/3] COPY data /data',
      'not cached: no cache entry',
      'copied 3MB',
      '[stage 0 3/3] RUN for i in 1 2 3 4 5 6 7 8; do echo line-$i; done; sleep 4; echo done',
      'not cached: no cache entry',
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `line-${i}`),
      'done',
      'EXIT=0',
    ].join('\n'));
  } finally {
    stop();
  }
});

test.after(() => {
  for (const drop of stores) drop();
  cleanup();
});
test.run();
