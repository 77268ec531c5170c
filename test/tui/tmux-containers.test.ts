// End to end, the Containers pane on real containers: dist/strata in a real terminal (tmux,
// 120x40). The pane is live: a container started, exited and removed by another strata process
// shows without a key; a running one's CPU and memory come from its cgroup; its tabs (logs
// followed, diff, config, top). Then the verbs: s stops it and starts it again (its supervisor,
// strata itself, is the one process the library starts); c commits it; d on a running container
// says why not; stopped, d removes it; e opens its shell on a clean screen and the pane comes
// back drawn as it was; q quits with status 0.

import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { has, tmuxSession } from '../helpers/tmux.js';
import { requireBinary, strataOk, tempStore } from '../helpers/cli.js';
import { ENTER, ESC, TAB } from './helpers/keys.js';

const binary = requireBinary();
const socket = `strata-test-containers-${process.pid}`;
const session = 'containers';

const { tmux, screen, type, waitFor, pressUntil } = tmuxSession(socket, session);
/** The status line (the screen's last line) starts with `s`. */
const says = (s: string) => (text: string) => text.trimEnd().split('\n').pop()!.startsWith(s);
/** NAME's row shows `state` (the id column is there at 120 columns). */
const rowIs = (name: string, state: string) => (text: string) => new RegExp(`^${name} +[0-9a-z]{12} +busybox +.*${state.replace(/[()]/g, '\\$&')}`, 'm').test(text);
const bgIs = (state: string) => rowIs('bg', state);

test('live: containers run, exit and go from another process without a key; figures, tabs and verbs of a detached container', async () => {
  const { root, cleanup } = tempStore();
  const ok = (...args: string[]) => strataOk(args, { root }).text;
  ok('run', '-d', '--name', 'bg', 'busybox', 'sh', '-c', 'echo hello from bg; trap "exit 0" TERM; while :; do echo tick; sleep 1; done');
  try {
    const command = `env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 ${binary} --root ${root}; echo STRATA-EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
    await waitFor('the Images pane', has('busybox:latest'));
    type(TAB);
    let text = await waitFor('bg running, its figures from its cgroup', (t) => bgIs('running')(t) && /^bg .* \d+\.\d% +\d+(\.\d)?(B|KiB|MiB)$/m.test(t));
    assert.match(text, /^bg +[0-9a-z]{12} .* running +\d+s +[▁▂▃▄▅▆▇█ ]{8} /m);

    // Another process starts a container: it appears, with no key pressed; then exits; then goes.
    ok('run', '-d', '--name', 'other', 'busybox', 'sh', '-c', 'sleep 2; exit 3');
    await waitFor('other running', rowIs('other', 'running'), 5000);
    await waitFor('other exited', rowIs('other', 'exited (3)'), 8000);
    ok('rm', 'other');
    text = await waitFor('other gone', (t) => !/^other /m.test(t), 5000);
    assert.ok(bgIs('running')(text), text);

    // The logs tab follows: a new "tick" line arrives with no key.
    text = await waitFor('the logs', has('[Logs]'));
    assert.match(text, /^hello from bg$/m);
    const ticks = (t: string) => (t.match(/^tick$/gm) ?? []).length;
    const seen = ticks(screen());
    await waitFor('a new log line', (t) => ticks(t) > seen && ticks(t) < 30, 8000);

    type(']');
    await waitFor('the diff tab', has('[Diff]'));
    type(']');
    text = await waitFor('the config tab', has('Limits      memory unlimited · pids 4096'));
    assert.match(text, /^Command     sh -c 'echo hello from bg; trap "exit 0" TERM; while :; do echo tick; sleep 1; done'$/m);
    type(']');
    text = await waitFor('the top tab', (t) => has('[Top]')(t) && /^ +\d+ +\d+ +0 +[SR] .* sleep 1$/m.test(t));
    assert.match(text, /^CPU \d+\.\d% · memory \S+ · pids \d+ of 4096$/m);
    type(']');

    type('s');
    await waitFor('bg stopped', (t) => says('stopped bg')(t) && bgIs('exited (0)')(t));
    type('s');
    await waitFor('bg started again', (t) => says('started bg')(t) && bgIs('running')(t));
    type('L');
    text = await waitFor('the logs of both runs', (t) => (t.match(/^hello from bg$/gm) ?? []).length === 2);
    type(ESC);
    await waitFor('the containers list', has('Enter the tab · [ ] tabs'));

    type('c');
    await waitFor('the commit input', has('Commit as NAME[:TAG]:'));
    type('bg:1' + ENTER);
    await waitFor('the commit done', says('committed bg as bg:1'));
    assert.match(ok('images'), /^bg +1 /m);

    // A shell: a clean screen (nothing of the TUI left on it), then the pane drawn as it was.
    const before = await waitFor('the list settled', has('Enter the tab · [ ] tabs'));
    type('e');
    text = await waitFor('the shell prompt on a clean screen', (t) => /^\/ # ?$/m.test(t));
    assert.not.match(text, /Enter the tab|CONTAINER ID/, text);
    type('exit\r');
    text = await waitFor('the pane back', says('exec exited with status 0'));
    // The rows' ages and figures move on their own: the rest of each row must be back.
    const body = (t: string) => t.split('\n').slice(0, 3).map((l) => l.replace(/ running .*/, ' running')).join('\n');
    assert.is(body(text), body(before), 'the header and the first row drawn again');

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
    spawnSync(binary, ['--root', root, 'rm', '-f', 'bg', 'other']);
    cleanup();
  }
});

test.run();
