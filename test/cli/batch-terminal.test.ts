// batch on a terminal (tmux): stderr shows the progress bar and, at the end, the summary; with
// stderr not a terminal the same batch writes nothing there (test/cli/batch.test.ts).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { has, tmuxSession } from '../helpers/tmux.js';
import { requireBinary, strataOk, tempStore } from '../helpers/cli.js';

const binary = requireBinary();
const socket = `strata-test-batch-${process.pid}`;
const session = 'batch';
const { tmux, waitFor } = tmuxSession(socket, session);

test('on a terminal: a progress bar while jobs run, then the summary', async () => {
  const { root, scratch, cleanup } = tempStore();
  strataOk(['images'], { root });
  const file = join(scratch, 'jobs.jsonl');
  const jobs = [...Array.from({ length: 3 }, (_, i) => ({ id: `s${i}`, image: 'busybox', cmd: ['sleep', '1'] })), { id: 'f', image: 'busybox', cmd: ['false'] }];
  writeFileSync(file, jobs.map((j) => JSON.stringify(j)).join('\n') + '\n');
  try {
    // Results to a file: the terminal shows stderr alone.
    const command = `env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color ${binary} --root ${root} batch --jobs 1 ${file} > ${join(scratch, 'out')}; echo STRATA-EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '20', command);
    const bar = await waitFor('the progress bar', (text) => /\[[#.]{24}\] \d\/\d done, \d failed, [\d.]+\/s/.test(text));
    assert.not.match(bar, /STRATA-EXIT/);
    const end = await waitFor('the summary', has('STRATA-EXIT='));
    assert.match(end, /^batch: 4 jobs, 3 succeeded, 1 failed in [\d.]+ s \([\d.]+ jobs\/s\)\nSTRATA-EXIT=1$/m);
    assert.not.match(end, /\[[#.]{24}\]/, 'the bar is cleared before the summary');
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    cleanup();
  }
});

test.run();
