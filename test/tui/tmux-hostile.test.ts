// End to end, in a real terminal (tmux, 120x40): dist/strata's TUI on an image whose names, link
// target and created_by hold OSC 2 (set the window title to PWNED) and CSI (clear the screen, red)
// sequences, and a container whose command and new file hold them too. Drawn raw, they would
// act: tmux keeps what the pane's title was set to (#{pane_title}) and what colour each cell has
// (capture-pane -e). Drawn escaped, the title stays tmux's, no cell is red (NO_COLOR: the TUI
// itself colours nothing), and the escaped names are on the screen.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { has, tmuxSession } from '../helpers/tmux.js';
import { requireBinary, strataOk, tempStore } from '../helpers/cli.js';
import { writeHostileArchive } from '../helpers/hostile-image.js';
import { DOWN, ENTER, ESC, TAB } from './helpers/keys.js';

const binary = requireBinary();
const socket = `strata-test-hostile-${process.pid}`;
const session = 'hostile';

const { tmux, styledScreen, title, type, waitFor, pressUntil } = tmuxSession(socket, session);

/** Nothing the image holds has acted on the terminal. */
function assertUntouched(where: string): void {
  assert.not.match(title(), /PWNED/, `${where}: the window title was set`);
  const styled = styledScreen();
  // SGR parameters as tmux reports them: 31 / 41 (red), or 38;5;1 / 48;5;1 and the like.
  assert.not.match(styled, /\x1b\[(?:[0-9;]*;)?(?:31|41)(?:;[0-9;]*)?m/, `${where}: red on the screen:\n${styled}`);
  assert.not.match(styled, /\x1b\][0-9]/, `${where}: an OSC sequence on the screen`);
}

test('the TUI draws hostile names, link targets, created_by and commands escaped', async () => {
  const { root, scratch, cleanup } = tempStore();
  const archive = join(scratch, 'hostile.tar');
  writeHostileArchive(archive);
  strataOk(['load', archive], { root });
  strataOk(['run', '--name', 'evil', 'hostile:1'], { root, timeoutMs: 120_000 });
  try {
    const command = `env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 ${binary} --root ${root}; echo STRATA-EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
    const before = title();
    await waitFor('the Images pane', has('hostile:1'));

    // Open hostile:1: Enter on each row in turn until the Image view names it.
    for (let row = 0; ; row++) {
      type(ENTER);
      const text = await waitFor('an image view', has('› '));
      if (text.includes('› hostile:1')) break;
      assert.ok(row < 3, `hostile:1 not found in the Images pane:\n${text}`);
      type(ESC);
      await waitFor('the Images pane again', has('NAME:TAG'));
      for (let k = 0; k <= row; k++) type(DOWN);
    }
    let text = await waitFor('the hostile names, escaped', has('\\x1b]2;PWNED\\x07evil'));
    assert.ok(text.includes('\\x1b[2J\\x1b[31mred'), text);
    assert.ok(text.includes('link -> \\x1b]2;PWNED\\x07target'), text);
    assert.ok(text.includes('RUN \\x1b[2J\\x1b[31magain'), 'created_by in the layers panel');
    assert.match(text, / caf\\xe9\n/);
    assert.match(text, / caf\\\\xe9\n/);
    assert.match(text, /^strata \[Images\] Containers +› hostile:1/, 'the screen was not cleared under the header');
    assertUntouched('the image view');

    // Walk the cursor over the hostile entries: the details pane shows each path.
    for (let k = 0; k < 6; k++) type('j');
    await waitFor('the details of an /etc entry', (t) => /^\/etc\/\S/m.test(t));
    assertUntouched('the details pane');

    type(ESC);
    await waitFor('the Images pane again', has('NAME:TAG'));
    type(TAB);
    text = await waitFor("the container's command, escaped", has('touch /tmp/\\x1b'));
    type(']');
    text = await waitFor("the container's new file in its diff tab, escaped", has('\\x1b]2;PWNED\\x07made'));
    assertUntouched('the containers pane');

    assert.is(title(), before, 'the title is what it was');
    await waitFor('the containers list', has('Enter the tab · [ ] tabs'));
    text = await pressUntil('q', 'strata to exit', has('STRATA-EXIT='));
    assert.match(text, /STRATA-EXIT=0/);
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    cleanup();
  }
});

test.run();
