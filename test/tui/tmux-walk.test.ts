// End to end, as docs/DESIGN.md §7's first-time user walks it: dist/strata in a real terminal (tmux,
// 120x40), the screen read back with `tmux capture-pane`. Open the TUI, an image with a long file
// name focused; Enter opens it ("Layer 1 of 2", directories with the size under them); `s` sorts
// by size, `f` gives the tree the full width, the long name wraps whole on its row; /etc/passwd,
// which the layer changed, in the pager, against the version below (`d`), extracted (`x`), and
// /etc extracted as a directory; apt:1
// marked (`m`) and compared with busybox (`c`): the shared layer named; then busybox:
// move to /etc; filter; `r` runs a shell (uname -r shows the host's kernel) and the TUI comes back
// where it was; Esc back to the images; q quits with status 0.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { release } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { has, tmuxSession } from '../helpers/tmux.js';
import { requireBinary, runStrata, tempStore } from '../helpers/cli.js';
import { ENTER, ESC, SPACE } from './helpers/keys.js';
import { humanSize } from '../../src/base/format.js';

const binary = requireBinary();
const socket = `strata-test-${process.pid}`;
const session = 'walk';

const { tmux, screen, type, waitFor } = tmuxSession(socket, session);

test('the walk: images, busybox, /etc, filter, a shell, back, quit', async () => {
  const { root, scratch, cleanup } = tempStore();
  // The store exists before the TUI opens, so the first frame is not delayed by seeding it.
  assert.is(runStrata(['images', '-q'], { root }).status, 0);
  const hasRun = runStrata(['run', '--help'], { root }).status === 0;
  const LONG = 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages_and_then_some_more_name.lz4';
  assert.is(runStrata(['run', '--name', 'lists', 'busybox', 'sh', '-c', `mkdir -p /var/lib/apt/lists; head -c 3000000 /bin/busybox > /var/lib/apt/lists/${LONG}; echo 'extra:x:7:7::/:/bin/sh' >> /etc/passwd`], { root }).status, 0);
  assert.is(runStrata(['commit', 'lists', 'apt:1'], { root }).status, 0);
  const busyboxBytes = runStrata(['cat', 'busybox:/bin/busybox'], { root }).stdout.length;
  assert.ok(busyboxBytes > 100_000 && busyboxBytes < 3_000_000);
  const BUSYBOX = humanSize(busyboxBytes).replace('.', '\\.');
  try {
    const command = `env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 ${binary} --root ${root}; echo STRATA-EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);

    let text = await waitFor('the Images pane', has('busybox:latest'));
    assert.match(text, /^strata \[Images\] Containers\nNAME:TAG +IMAGE ID +SIZE +LAYERS +CREATED\napt:1 +[0-9a-f]{12} /);
    assert.match(text, /store \S+ · driver (overlay|copy) · \? help/);

    type(ENTER);
    text = await waitFor('the image view', has("Layer 1 of 2 · this layer's changes"));
    // Each directory shows what is under it: /bin holds busybox alone (its size in bytes; a file cut
    // at 3 MB of it is as big, as busybox is smaller); with changed entries only, what this layer's
    // changes add there.
    assert.match(text, new RegExp(` +${BUSYBOX} +▾ bin/\n`));
    type('c');
    text = await waitFor('changed entries only', has("this layer's changes · changed only"));
    assert.match(text, new RegExp(` M +${BUSYBOX} +▾ var/\n`));
    type('s');
    text = await waitFor('sorted by size', has("this layer's changes · by size · changed only"));
    type('f');
    text = await waitFor('the tree in the full width', (t) => new RegExp(`^Layer 1 of 2 · ${BUSYBOX} · `, 'm').test(t));
    assert.not.match(text, /^Layers \(2\)/m);
    for (let row = 0; !screen().includes('_more_name.lz4') && row < 6; row++) {
      type('j');
      await new Promise((r) => setTimeout(r, 150));
    }
    text = await waitFor('the long name read whole on its row', has('_more_name.lz4'));
    assert.ok(text.replace(/\n +/g, '').includes(LONG), 'wrapped under itself, every character there');

    // /etc/passwd, which the layer changed: in the pager, against the version below, extracted.
    type('/');
    await waitFor('the filter input', (t) => /^\/ *$/m.test(t));
    type('passwd');
    await waitFor('the tree narrowed', (t) => /^\/ passwd/m.test(t) && !t.includes('▾ lists/'));
    type(ENTER);
    await waitFor('the filter kept', has('filter "passwd"'));
    type('G');
    await new Promise((r) => setTimeout(r, 200));
    type('v');
    text = await waitFor('the pager', has('/etc/passwd · layer 1 · text'));
    assert.match(text, /^root:x:0:0:/m);
    assert.match(text, /^extra:x:7:7::\/:\/bin\/sh$/m);
    type(ESC);
    await waitFor('the tree again', has('filter "passwd"'));
    type('d');
    text = await waitFor('the diff', has('diff /etc/passwd: layer 0 → layer 1 (+1 −0)'));
    assert.match(text, /^\+ extra:x:7:7::\/:\/bin\/sh$/m);
    assert.match(text, /^  root:x:0:0:/m);
    type(ESC);
    await waitFor('the tree again', has('filter "passwd"'));
    const out = join(scratch, 'passwd.out');
    type('x');
    await waitFor('the path prompt', has('extract to'));
    type(out);
    await waitFor('the path typed', has(out));
    type(ENTER);
    await waitFor('the extraction', has('extracted /etc/passwd (layer 1) to '));
    assert.is(readFileSync(out, 'latin1'), runStrata(['cat', 'apt:1:/etc/passwd'], { root }).stdout.toString('latin1'));
    // A directory: /etc as layer 1 has it, every file of it (the whole merged /etc, not only passwd).
    type('k');
    await new Promise((r) => setTimeout(r, 200));
    const outDir = join(scratch, 'etc.out');
    type('x');
    await waitFor('the path prompt', has('extract to'));
    type(outDir);
    await waitFor('the path typed', has(outDir));
    type(ENTER);
    await waitFor('the directory extracted', has('extracted /etc (layer 1) to '));
    assert.is(readFileSync(join(outDir, 'passwd'), 'latin1'), readFileSync(out, 'latin1'));
    assert.is(readFileSync(join(outDir, 'group'), 'latin1'), runStrata(['cat', 'apt:1:/etc/group'], { root }).stdout.toString('latin1'));
    type(ESC);
    await waitFor('the Images pane', has('NAME:TAG'));
    // apt:1 marked, compared with busybox: the layer they share is named, what apt:1 added is gone.
    type('m');
    await waitFor('apt:1 marked', has('apt:1 marked'));
    type('j');
    await new Promise((r) => setTimeout(r, 200));
    type('c');
    text = await waitFor('the comparison', has('apt:1 → busybox:latest'));
    assert.match(text, /^1 shared layer, not read: 0 strata layers\/busybox/m);
    // /etc's own metadata is the same on both sides: only passwd in it differs.
    assert.match(text, /^ +▾ etc\/\nM +passwd$/m);
    assert.match(text, /^R +▾ lib\/$/m);
    type(ESC);
    await waitFor('the Images pane', has('NAME:TAG'));
    type('k');
    await new Promise((r) => setTimeout(r, 200));
    type('m');
    await waitFor('unmarked', has('m mark to compare'));
    type('j');
    await new Promise((r) => setTimeout(r, 200));
    type(ENTER);
    text = await waitFor('busybox', has("Layer 0 of 1 · this layer's changes"));
    assert.match(text, /› busybox:latest/);
    assert.match(text, new RegExp(` A +${BUSYBOX} +▾ bin/\n`));

    // /bin folded (Space), then down to /etc.
    type(SPACE);
    await waitFor('/bin folded', has('▸ bin/'));
    // The details pane (left) names the entry under the cursor.
    const atEtc = (t: string) => /^\/etc +A/m.test(t);
    for (let row = 0; !atEtc(screen()) && row < 10; row++) {
      type('j');
      await new Promise((r) => setTimeout(r, 150));
    }
    text = await waitFor('/etc in the details', atEtc);
    assert.match(text, /drwxr-xr-x {2}0:0/);

    type('/');
    await waitFor('the filter input', (t) => / \/ *$/m.test(t));
    type('passwd');
    text = await waitFor('the tree narrowed', (t) => / \/ passwd/.test(t) && !t.includes('group'));
    assert.match(text, /▾ etc\/\n[^\n]* passwd\n/);
    type(ENTER);
    text = await waitFor('the filter kept', has('filter "passwd"'));
    assert.match(text, /▾ etc\/\n[^\n]* passwd/);

    if (hasRun) {
      // The shell starts on a clean screen; back, the UI is drawn as it was (the status line aside).
      const before = text;
      const body = (t: string) => t.trimEnd().split('\n').slice(0, -1).join('\n');
      type('r');
      const prompt = await waitFor('the shell prompt', (t) => /^\/ #/m.test(t));
      assert.not.match(prompt, /filter "passwd"|NAME:TAG|passwd/, 'nothing of the UI under the shell');
      type('uname -r\r');
      await waitFor("the host's kernel", has(release()));
      type('exit\r');
      text = await waitFor('the TUI back', has('shell exited with status 0'));
      assert.match(text, /filter "passwd"/, 'back where it was');
      assert.is(body(text), body(before), 'drawn again whole');
    }

    type(ESC);
    text = await waitFor('the Images pane again', has('NAME:TAG'));
    type('q');
    text = await waitFor('strata to exit', has('STRATA-EXIT='));
    assert.match(text, /STRATA-EXIT=0/);
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    cleanup();
  }
});

test.run();
