// The terminal side of the registry commands, in a tmux pane: `pull` shows a line per layer
// (fetched or already there), and with stderr not a terminal nothing is printed there; `login`
// without --password-stdin asks for the password on the terminal without echoing it.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBinary, runStrata, strataOk, tempStore } from '../helpers/cli.js';
import { startRegistry } from '../helpers/registry.js';
import { has, tmuxSession } from '../helpers/tmux.js';
import { layeredImage } from './registry-helpers.js';

const socket = `strata-registry-test-${process.pid}`;
const { tmux, waitFor } = tmuxSession(socket, 'progress');
const login = tmuxSession(socket, 'login');

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

test('login asks for the password on the terminal, without echo, and stores it', async () => {
  const registry = await startRegistry({ htpasswd: { user: 'dave', password: 'typed-secret' } });
  const store = tempStore();
  const config = join(store.scratch, 'config');
  mkdirSync(config);
  try {
    const command = `env -i PATH=/usr/bin:/bin HOME=/root XDG_CONFIG_HOME=${config} LANG=C.UTF-8 TERM=xterm-256color ${requireBinary()} --root ${store.root} login -u dave ${registry.host}; echo STRATA-EXIT=$?; sleep 60`;
    login.tmux('new-session', '-d', '-s', 'login', '-x', '120', '-y', '10', command);
    await login.waitFor('the prompt', has('Password:'));
    login.type('typed-secret');
    login.tmux('send-keys', '-t', 'login', 'Enter');
    const text = await login.waitFor('the login to end', has('STRATA-EXIT='));
    assert.match(text, `Login Succeeded (${registry.host})`);
    assert.match(text, 'STRATA-EXIT=0');
    assert.not.match(text, 'typed-secret');
    const auth = JSON.parse(readFileSync(join(config, 'strata', 'auth.json'), 'utf8')).auths[registry.host].auth;
    assert.is(Buffer.from(auth, 'base64').toString(), 'dave:typed-secret');
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    store.cleanup();
    await registry.stop();
  }
});

test.run();
