// End to end, the Containers pane on a real detached container: dist/strata in a real terminal
// (tmux, 120x40). Its logs; s stops it and starts it again (its supervisor, strata itself, is the
// one process the library starts); c commits it; d on a running container says why not; stopped,
// d removes it; q quits with status 0.

import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBinary, strataOk, tempStore } from '../helpers/cli.js';
import { ENTER, ESC, TAB } from './helpers/keys.js';

const binary = requireBinary();
const socket = `strata-test-containers-${process.pid}`;
const session = 'containers';

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

const screen = () => tmux('capture-pane', '-p', '-t', session);

/** Keys as they are typed: tmux's literal mode, so "s" or "q" is never read as a key name. */
function type(keys: string): void {
  tmux('send-keys', '-t', session, '-l', keys);
}

async function waitFor(what: string, ok: (text: string) => boolean, ms = 30_000): Promise<string> {
  let text = '';
  for (const start = Date.now(); Date.now() - start < ms;) {
    text = screen();
    if (ok(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
}

const has = (s: string) => (text: string) => text.includes(s);
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
    type('y');
    text = await waitFor('why not', says('cannot remove container '));
    assert.ok(bgIs('running')(text), text);
    type('s');
    await waitFor('bg stopped', (t) => says('stopped bg')(t) && bgIs('exited (0)')(t));
    type('d');
    await waitFor('the question', has('Remove bg? y to remove'));
    type('y');
    await waitFor('bg removed', (t) => says('removed bg')(t) && has('No containers.')(t));
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
