// The App by exact frames (ink-testing-library), at 100x24 unless said otherwise, no colour.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeServices } from './helpers/fake-services.js';
import { DOWN, ENTER, ESC, SPACE, TAB, UP } from './helpers/keys.js';
import { renderApp, settle } from './helpers/render-app.js';
import { DEMO_EXTRACTED } from './helpers/demo-image.js';

/** Enter on the selected image, and time for the Image view's first render (slow in a cold,
 * development-mode React: a key sent sooner would reach the hooks before they subscribe). */
async function open(app: { press(...keys: string[]): Promise<void> }) {
  await app.press(ENTER);
  await settle(250);
}

const blank = (n: number) => Array.from({ length: n }, () => '').join('\n');
const STATUS = '                                                     store /var/lib/strata · driver overlay · ? help';

test('Images pane: the first frame, focused on the first image', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  assert.is(app.frame(), `strata [Images] Containers
NAME:TAG                                          IMAGE ID          SIZE  LAYERS  CREATED
demo:1                                            dddddddddddd      600B       3  2 hours ago
busybox:latest                                    bbbbbbbbbbbb    1.98MB       1  26 hours ago
${blank(17)}
2 images · Enter open · r shell · i import · d remove · m mark to compare
${STATUS}`);
  app.unmount();
});

test('Image view: Enter opens the image at its top layer, the tree focused; details follow the cursor', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press(DOWN, DOWN, DOWN);
  assert.is(app.frame(), `strata [Images] Containers   › demo:1
Layers (3)  #   size  created by           Layer 2 of 3 · this layer's changes                  4/10
  0    170B  ADD file:0123 in /                       ▾ bin/
  1    420B  RUN apt-get install app                      sh -> busybox
  2     10B  RUN rm -rf /var/cache/*            120B  ▾ etc/
Details                                         120B      passwd
/etc/passwd                                     300B  ▾ opt/
-rw-------  0:42  120B                          300B      app
from layer 1                               M     10B  ▾ var/
replaces layer 0's file (100B)             M     10B    ▾ cache/
                                           R     50B        a
Efficiency                                 A     10B        b
score 76.67 %
wasted 240B (2 paths)
  2×    220B  /etc/passwd
  2×     20B  /etc/hosts
${blank(5)}
                                           A added  M modified  R removed   Space fold · a scope · …
${STATUS}`);
  app.unmount();
});

test('Image view: Tab to the layers, a lower layer, "all changes", Space folds; Esc back to the Images pane', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press(TAB, 'k', TAB, 'a', DOWN, DOWN, SPACE);
  assert.equal(app.frame().split('\n').slice(1, 11), [
    'Layers (3)  #   size  created by           Layer 1 of 3 · all changes up to it                   3/8',
    '  0    170B  ADD file:0123 in /                       ▾ bin/',
    '  1    420B  RUN apt-get install app                      sh -> busybox',
    '  2     10B  RUN rm -rf /var/cache/*       M    120B  ▸ etc/',
    'Details                                    A    300B  ▾ opt/',
    '/etc                                       A    300B      app',
    'drwxr-xr-x  0:0                                  50B  ▾ var/',
    'from layer 1, modified                           50B    ▾ cache/',
    "merged with layer 0's directory                  50B        a",
    '120B under it, 120B of it changed here',
  ]);
  await app.press(ESC);
  assert.match(app.frame(), /^strata \[Images\] Containers\nNAME:TAG/);
  app.unmount();
});

test('Image view: / filters as you type, Enter keeps the filter, Esc in the input clears it', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press('/', 'p', 'a', 's');
  assert.match(app.frame().split('\n')[1]!, /this layer's changes +1\/2$/);
  assert.equal(app.frame().split('\n').slice(2, 5), [
    '  0    170B  ADD file:0123 in /            / pas',
    '  1    420B  RUN apt-get install app            120B  ▾ etc/',
    '  2     10B  RUN rm -rf /var/cache/*            120B      passwd',
  ]);
  await app.press(ENTER);
  assert.match(app.frame().split('\n')[1]!, /Layer 2 of 3 · this layer's changes · filter "pas" +1\/2$/);
  assert.match(app.frame().split('\n')[3]!, /passwd$/);
  await app.press('/', ESC);
  assert.match(app.frame().split('\n')[1]!, /this layer's changes +3\/10$/, 'cleared, the cursor still on /etc/passwd');
  app.unmount();
});

test('Image view: s sorts each directory by size, largest first, directories showing what is under them; s again by name', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press('s');
  assert.equal(app.frame().split('\n').slice(1, 12).map((l) => l.slice(43)), [
    "Layer 2 of 3 · this layer's changes · by size        9/10",
    '     300B  ▾ opt/',
    '     300B      app',
    '     120B  ▾ etc/',
    '     120B      passwd',
    'M     10B  ▾ var/',
    'M     10B    ▾ cache/',
    'A     10B        b',
    'R     50B        a',
    '           ▾ bin/',
    '               sh -> busybox',
  ]);
  await app.press('s');
  assert.match(app.frame().split('\n')[1]!, /Layer 2 of 3 · this layer's changes +1\/10$/);
  app.unmount();
});

test('Image view: f gives the tree the full width, the layer and the entry summed up on one line; f again puts them back', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press('f', DOWN, DOWN, DOWN);
  assert.is(app.frame(), `strata [Images] Containers   › demo:1
Layer 2 of 3 · 10B · RUN rm -rf /var/cache/*  │  /etc/passwd  -rw-------  0:42  120B
Layer 2 of 3 · this layer's changes                                                             4/10
           ▾ bin/
               sh -> busybox
     120B  ▾ etc/
     120B      passwd
     300B  ▾ opt/
     300B      app
M     10B  ▾ var/
M     10B    ▾ cache/
R     50B        a
A     10B        b
${blank(8)}
A added  M modified  R removed   Space fold · a scope · c changed · s sort · f full width · / filte…
${STATUS}`);
  await app.press('f');
  assert.match(app.frame().split('\n')[1]!, /^Layers \(3\)/);
  app.unmount();
});

test('Image view: Enter shows a text file in the pager as its layer has it; a binary one in hex; Esc back to the tree', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press(DOWN, DOWN, DOWN, ENTER);
  assert.is(app.frame(), `strata [Images] Containers   › demo:1
/etc/passwd · layer 1 · text · 120B                                                   lines 1–3 of 3
/etc/passwd
from layer 1
same
${blank(16)}
↑ ↓ PgUp PgDn g G move · Esc q back to the tree
${STATUS}`);
  await app.press(ESC);
  assert.match(app.frame().split('\n')[1]!, /this layer's changes +4\/10$/, 'back on the same row');
  // The base layer's /var/cache/a (removed at layer 2: shown as it was) is binary.
  await app.press('G', 'k', 'v');
  assert.equal(app.frame().split('\n').slice(1, 4), [
    '/var/cache/a · layer 0 · hex · 50B                                                    lines 1–2 of 2',
    '00000000  7f 45 4c 46 00 01 02 03  41 42 0a ff fe 10 20 7e  |.ELF....AB.... ~|',
    '00000010  7f 80                                             |..|',
  ]);
  app.unmount();
});

test('Image view: d shows a modified file line by line against the version it replaced', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press(DOWN, DOWN, DOWN, 'd');
  assert.equal(app.frame().split('\n').slice(1, 7), [
    'diff /etc/passwd: layer 0 → layer 1 (+1 −1)                                           lines 1–4 of 4',
    '  /etc/passwd',
    '- from layer 0',
    '+ from layer 1',
    '  same',
    '',
  ]);
  app.unmount();
});

test('Image view: x asks for a host path and extracts the file as its layer has it; the status line says so', async () => {
  DEMO_EXTRACTED.length = 0;
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press(DOWN, DOWN, DOWN, 'x', 'o', 'u', 't');
  assert.is(app.frame().split('\n')[2], '  0    170B  ADD file:0123 in /            extract to  out');
  await app.press(ENTER);
  await settle(50);
  assert.equal(DEMO_EXTRACTED, [{ path: '/etc/passwd', layer: 2, dest: 'out' }]);
  assert.match(app.frame().split('\n').at(-1)!, /^extracted \/etc\/passwd \(layer 1\) to out +store /);
  app.unmount();
});

test('m marks an image, c on another opens the tree of what differs, the shared layers named; Esc back', async () => {
  const { services, recorded } = fakeServices();
  const app = renderApp(services);
  await settle();
  await app.press('m');
  assert.equal(app.frame().split('\n').slice(2, 3), ['* demo:1                                          dddddddddddd      600B       3  2 hours ago']);
  assert.is(app.frame().split('\n').at(-2), 'demo:1 marked · c on another image compares them · m unmarks');
  await app.press(DOWN, 'c');
  assert.is(app.frame(), `strata [Images] Containers   › Compare
demo:1 → busybox:latest · 5 differences  1/7
1 shared layer, not read: 0 ADD file:0123 in /
M          ▾ etc/
M              passwd
A          ▾ opt/
A              app
           ▾ var/
             ▾ cache/
R                a
${blank(11)}
A added  M modified  R removed   Space fold · Esc back
${STATUS}`);
  assert.equal(recorded.containers.at(-1), ['compare', 'demo:1', 'busybox:latest']);
  await app.press(ESC);
  assert.match(app.frame(), /^strata \[Images\] Containers\nNAME:TAG/);
  app.unmount();
});

test('Help: ? lists the keys of the pane in front; Esc closes it', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  await app.press('?');
  assert.is(app.frame(), `strata [Images] Containers   › demo:1
Keys of the Image pane

↑ ↓  k j        move
PgUp PgDn       move a page
Home End  g G   first / last
Tab             file tree / layer list
← → h l         fold a directory or go to its parent / unfold
Space  e        fold or unfold the directory / every directory
a               this layer's changes / all changes up to this layer
c               changed entries only
/               filter by path (Enter keeps it, Esc clears it)
s               sort each directory by size (largest first) / by name
f               the tree in the full width (layers and details on one line) / beside them
Enter v  d      the file in a pager (hex when binary) / d: against the layer below
x               extract the file, as this layer has it, to a host path (Tab completes)
r               run a shell in the image
Esc q           back to the images
?               this help

Esc, ? or q closes this help

${STATUS}`);
  await app.press(ESC);
  assert.match(app.frame(), /Layer 2 of 3 · this layer's changes/);
  app.unmount();
});

test('r gives the terminal to `run -it --rm IMAGE SHELL` (bash when the image has it) and comes back where it was, with its status', async () => {
  const { services, recorded } = fakeServices();
  const app = renderApp(services);
  await settle();
  await app.press(DOWN, 'r');
  await settle();
  assert.equal(recorded.terminal, [['run', '-it', '--rm', 'busybox:latest', 'sh']]);
  assert.match(app.frame(), /\nbusybox:latest {2,}bbbbbbbbbbbb[^\n]*\n/);
  assert.match(app.frame().split('\n').pop()!, /^shell exited with status 0 +store/);
  await app.press(UP);
  await open(app);
  await app.press('j', 'r');
  await settle();
  assert.equal(recorded.terminal[1], ['run', '-it', '--rm', 'demo:1', 'bash']);
  assert.match(app.frame(), /this layer's changes +2\/10/);
  app.unmount();
});

test('d asks first; y removes the image and the list is read again', async () => {
  const { services, recorded } = fakeServices();
  const app = renderApp(services);
  await settle();
  await app.press('d');
  assert.match(app.frame(), /\nRemove demo:1\? y to remove, any other key to keep it\n/);
  await app.press('n');
  assert.equal(recorded.removed, []);
  await app.press('d', 'y');
  await settle();
  assert.equal(recorded.removed, ['demo:1']);
  assert.match(app.frame(), /^busybox:latest .*\n\n/m);
  assert.match(app.frame().split('\n').pop()!, /^untagged demo:1 /);
  app.unmount();
});

test('a terminal smaller than 80x24 gets a message; a resize back reflows the panes', async () => {
  const app = renderApp(fakeServices().services, { columns: 79, rows: 24 });
  await settle();
  assert.is(app.frame(), 'strata needs a terminal of at least 80x24; this one is 79x24.\nMake it larger, or press q to quit.');
  app.resize(80, 24);
  await settle();
  assert.equal(app.frame().split('\n').slice(0, 4), [
    'strata [Images] Containers',
    'NAME:TAG                      IMAGE ID          SIZE  LAYERS  CREATED',
    'demo:1                        dddddddddddd      600B       3  2 hours ago',
    'busybox:latest                bbbbbbbbbbbb    1.98MB       1  26 hours ago',
  ]);
  app.unmount();
});

test('NO_COLOR: a frame has no colour escape sequences, marks and selection still read as letters and layout', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  await open(app);
  assert.not.match(app.lastFrame()!, /\x1b\[3\dm/);
  assert.match(app.frame(), /\n {2,}R {5}50B {8}a\n/);
  app.unmount();
});

test('q quits from the Images pane', async () => {
  const app = renderApp(fakeServices().services);
  await settle();
  assert.is(app.stdin.listenerCount('readable'), 1);
  await app.press('q');
  assert.is(app.stdin.listenerCount('readable'), 0, 'Ink has exited and stopped reading');
});

test.run();
