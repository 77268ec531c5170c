// End to end, the Containers pane on a real detached container: dist/strata in a real terminal
// (tmux, 120x40). Its logs; s stops it and starts it again (its supervisor, strata itself, is the
// one process the library starts); c commits it; d on a running container says why not; stopped,
// d removes it; q quits with status 0.

import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { has, tmuxSession } from '../helpers/tmux.js';
import { requireBinary, strataOk, tempStore } from '../helpers/cli.js';
import { ENTER, ESC, TAB } from './helpers/keys.js';

const binary = requireBinary();
const socket = `strata-test-containers-${process.pid}`;
const session = 'containers';

const { tmux, type, waitFor, pressUntil } = tmuxSession(socket, session);
/** The status line (the screen's last line) starts with `s`. */
const says = (s: string) => (text: string) => text.trimEnd().split('\n').pop()!.startsWith(s);
/** bg's row shows `state`. */
const bgIs = (state: string) => (text: string) => new RegExp(`^bg +[0-9a-z]{12} +busybox +.*${state.replace(/[()]/g, '\\$&')}`, 'm').test(text);

test('logs, stop, start, commit and remove of a detached container', async () => {
  const { root, cleanup } = tempStore();
  const ok = (...args: string[]) => strataOk(args, { root }).text;
  ok('run', '-d', '--name', 'bg', 'busybox', 'sh', '-c', 'echo hello from bg; trap "exit 0" TERM; while :; do sleep 0.1; done');
  try {
    const command = `env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 ${binary} --root ${root}; echo STRATA-EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
    await waitFor('the Images pane', has('busybox:latest'));
    type(TAB);
    await waitFor('bg running', bgIs('running'));

    type('L');
    let text = await waitFor('the logs', has('Logs of bg · Esc back'));
    assert.match(text, /^hello from bg$/m);
    type(ESC);
    await waitFor('the containers list', has('Enter diff · e exec'));

    type('s');
    await waitFor('bg stopped', (t) => says('stopped bg')(t) && bgIs('exited (0)')(t));
    type('s');
    await waitFor('bg started again', (t) => says('started bg')(t) && bgIs('running')(t));
    type('L');
    text = await waitFor('the logs of both runs', has('Logs of bg · Esc back'));
    assert.match(text, /^hello from bg\nhello from bg$/m);
    type(ESC);
    await waitFor('the containers list', has('Enter diff · e exec'));

    type('c');
    await waitFor('the commit input', has('Commit as NAME[:TAG]:'));
    type('bg:1' + ENTER);
    await waitFor('the commit done', says('committed bg as bg:1'));
    assert.match(ok('images'), /^bg +1 /m);

    type('d');
    await waitFor('the question', has('Remove bg? y to remove'));
    text = await pressUntil('y', 'why not', says('cannot remove container '));
    assert.ok(bgIs('running')(text), text);
    type('s');
    await waitFor('bg stopped', (t) => says('stopped bg')(t) && bgIs('exited (0)')(t));
    type('d');
    await waitFor('the question', has('Remove bg? y to remove'));
    await pressUntil('y', 'bg removed', (t) => says('removed bg')(t) && has('No containers.')(t));
    assert.is(ok('ps', '-a', '-q'), '');

    type('q');
    text = await waitFor('strata to exit', has('STRATA-EXIT='));
    assert.match(text, /STRATA-EXIT=0/);
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    spawnSync(binary, ['--root', root, 'rm', '-f', 'bg']);
    cleanup();
  }
});

test.run();
