// End to end, the build view: dist/strata in a real terminal (tmux, 120x40). `b`, a context typed
// in part and completed with Tab, its Dockerfile as offered, a build arg, a tag: the steps run (a
// RUN's output shows live) and the new image opens in the image view with its three layers. Then
// a build whose RUN sleeps: Esc while it runs cancels it, and nothing of it is left behind — no
// sandbox process, container, staging file, lease, mount, layer, image or tag; nor when Ctrl-C
// quits the TUI while the same build runs again (`b` keeps the fields as they were).

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { has, tmuxSession } from '../helpers/tmux.js';
import { requireBinary, strataOk, tempStore } from '../helpers/cli.js';
import { ENTER, ESC, TAB } from './helpers/keys.js';
import { processesWith } from '../helpers/processes.js';

const binary = requireBinary();
const socket = `strata-test-build-${process.pid}`;
const session = 'build';

const { tmux, screen, type: typeNow, waitFor } = tmuxSession(socket, session);
/** Keys typed, then a pause: keys sent together reach the TUI as one chunk of input. */
const type = async (keys: string) => {
  typeNow(keys);
  await new Promise((r) => setTimeout(r, 300));
};

test('the build view: a Dockerfile built and its image opened; Esc during a long RUN leaves nothing behind', async () => {
  const { root, scratch, cleanup } = tempStore();
  strataOk(['images', '-q'], { root });
  const app = join(scratch, 'webapp');
  mkdirSync(app);
  writeFileSync(join(app, 'data.txt'), 'x'.repeat(300_000));
  writeFileSync(join(app, 'Dockerfile'), 'FROM busybox\nARG GREETING\nRUN echo "$GREETING from the build" > /hello; cat /hello\nCOPY data.txt /data.txt\n');
  const slow = join(scratch, 'slow');
  mkdirSync(slow);
  const marker = 'sleep 3917';
  writeFileSync(join(slow, 'Dockerfile'), `FROM busybox\nRUN echo made > /made\nRUN echo started; ${marker}\n`);
  try {
    const command = `cd ${scratch} && env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 ${binary} --root ${root}; echo STRATA-EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
    await waitFor('the Images pane', has('busybox:latest'));

    await type('b');
    await waitFor('the build view', has('Context:'));
    await type('web');
    await type(TAB);
    await waitFor('the context completed', has('Context:    webapp/'));
    await type(ENTER);
    await waitFor('the Dockerfile offered', has('Dockerfile: webapp/Dockerfile'));
    await type(ENTER);
    await type('GREETING=hello');
    await type(ENTER);
    await type('web:1');
    await type(ENTER);
    let text = await waitFor('the built image in the image view', has('› web:1'), 120_000);
    text = await waitFor('its layers', has('Layers (3)'));
    assert.match(text, /RUN \|1 GREETING=hello/);
    assert.match(text, /COPY/);
    assert.match(text, /^built web:1 /m);
    assert.match(strataOk(['run', '--rm', 'web:1', 'cat', '/hello'], { root }).text, /^hello from the build\n$/);

    await type(ESC);
    await waitFor('the Images pane again', has('web:1'));
    const images = readdirSync(join(root, 'images')).sort();
    const layers = readdirSync(join(root, 'layers')).sort();
    await type('b');
    await waitFor('the build view', has('Context:'));
    await type('slow');
    await type(ENTER);
    await type(ENTER);
    await type(ENTER);
    await type('never:1');
    await type(ENTER);
    // The running step's output shows as it comes.
    text = await waitFor('the long RUN running, its output live', has('│ started'), 120_000);
    // Each step says why it ran: the RUN at this place in the first build read other words.
    assert.match(text, /^✓ \[stage 0 2\/3\] RUN echo made > \/made  instruction changed$/m);
    assert.match(text, /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \[stage 0 3\/3\] RUN echo started; sleep 3917  no cache entry$/m);
    assert.ok(processesWith(marker).length > 0, 'the command runs');
    await type(ESC);
    text = await waitFor('the build cancelled', has('build cancelled; nothing it made is left behind'));
    assert.match(text, /^✗ \[stage 0 3\/3\] RUN echo started; sleep 3917  no cache entry$/m);
    assert.equal(processesWith(marker), []);
    for (const dir of ['containers', 'staging', 'leases']) assert.equal(readdirSync(join(root, dir)), [], dir);
    assert.equal(readdirSync(join(root, 'layers')).sort(), layers);
    assert.equal(readdirSync(join(root, 'images')).sort(), images);
    assert.not.match(readFileSync('/proc/self/mountinfo', 'utf8'), root);
    assert.not.match(strataOk(['images'], { root }).text, 'never');

    // Ctrl-C during the build quits the TUI; the build is undone before strata exits.
    await type('b');
    text = await waitFor('the fields kept', has('Tag:        never:1'));
    for (let i = 0; i < 4; i++) await type(ENTER);
    await waitFor('the long RUN running again', has('│ started'), 120_000);
    assert.ok(processesWith(marker).length > 0, 'the command runs');
    await type('\x03');
    await waitFor('strata exited', has('STRATA-EXIT=0'));
    assert.equal(processesWith(marker), []);
    for (const dir of ['containers', 'staging', 'leases']) assert.equal(readdirSync(join(root, dir)), [], dir);
    assert.equal(readdirSync(join(root, 'layers')).sort(), layers);
    assert.equal(readdirSync(join(root, 'images')).sort(), images);
    assert.not.match(readFileSync('/proc/self/mountinfo', 'utf8'), root);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast screen:\n${screen()}`);
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // Already gone.
    }
    cleanup();
  }
});

test.run();
