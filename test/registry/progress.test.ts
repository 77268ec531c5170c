// Progress on a terminal only: `pull` and `push` in a tmux pane show a line per layer (fetched or
// already there), and the same commands with stderr not a terminal print nothing there.

import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBinary, runStrata, strataOk, tempStore } from '../helpers/cli.js';
import { startRegistry } from '../helpers/registry.js';
import { has, tmuxSession } from '../helpers/tmux.js';
import { layeredImage } from './registry-helpers.js';

const socket = `strata-registry-test-${process.pid}`;
const { tmux, waitFor } = tmuxSession(socket, 'progress');

test('a line per layer on a terminal, nothing on a pipe', async () => {
  const registry = await startRegistry();
  const store = tempStore();
  const fresh = tempStore();
  try {
    layeredImage(store.root, 'prog:1', 256 * 1024, 'progress-marker');
    const quiet = runStrata(['push', 'prog:1', `${registry.host}/p/app:1`], { root: store.root });
    assert.is(quiet.status, 0);
    assert.is(quiet.stderr, '');
    strataOk(['images'], { root: fresh.root });
    const command = `env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 ${requireBinary()} --root ${fresh.root} pull ${registry.host}/p/app:1; echo STRATA-EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', 'progress', '-x', '150', '-y', '20', command);
    const text = await waitFor('the pull to end', has('STRATA-EXIT='));
    assert.match(text, /^layer 1\/2 [0-9a-f]{12}: already there$/m);
    assert.match(text, /^layer 2\/2 [0-9a-f]{12}: done$/m);
    assert.match(text, `${registry.host}/p/app:1\nDigest: sha256:`);
    assert.match(text, 'STRATA-EXIT=0');
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    store.cleanup();
    fresh.cleanup();
    await registry.stop();
  }
});

test.run();
