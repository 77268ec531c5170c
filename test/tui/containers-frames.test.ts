// The live Containers pane by exact frames (ink-testing-library, 80x24, no colour), over fake
// services whose store watch the test fires itself, as another process's run or rm would: rows
// come and go without a key, the cursor stays on its container, ages follow the clock, a running
// container's CPU history and memory are drawn; the tabs (logs, diff, config, top) of the
// selected container; `e` asks for the container's own shell.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ContainerRow } from '../../tui/data/containers.js';
import { CONTAINERS, fakeServices, NOW } from './helpers/fake-services.js';
import { DOWN, ENTER, ESC, TAB } from './helpers/keys.js';
import { renderApp, settle } from './helpers/render-app.js';

const STATUS = '                                 store /var/lib/strata · driver overlay · ? help';
const HINTS = 'Enter the tab · [ ] tabs · e shell · c commit · d remove · s start/stop';
const HEADER = 'NAME      IMAGE     COMMAND       STATE          AGE              CPU        MEM';
/** A row with its CPU cell blanked (the fake's figures move with every sample). */
const noCpu = (row: string) => row.replace(/ {2}[ ▁▂▃▄▅▆▇█]{8} [ \d.%]{6}/, ' '.repeat(17));
const blank = (n: number) => Array.from({ length: n }, () => '').join('\n');

/** Until `ok` holds for the frame (the pane reads, ticks and settles on its own time). */
async function until(app: { frame(): string }, what: string, ok: (frame: string) => boolean, ms = 5000): Promise<string> {
  for (const start = Date.now(); Date.now() - start < ms; await settle(20)) if (ok(app.frame())) return app.frame();
  throw new Error(`timed out waiting for ${what}; the frame was:\n${app.frame()}`);
}

async function containersPane(rows?: ContainerRow[], clock?: () => number) {
  const fake = fakeServices();
  if (rows) fake.recorded.setContainers(rows);
  const app = renderApp(fake.services, { columns: 80, rows: 24 }, false, clock);
  await settle();
  await app.press(TAB);
  return { app, ...fake };
}

test('the first frame: every container, its age, the logs tab of the first; then its CPU history and memory', async () => {
  const { app } = await containersPane();
  assert.is(await until(app, 'the logs', (f) => f.includes('world')), `strata  Images [Containers]
${HEADER}
web       demo:1    httpd -f      running        30m                     12.5MiB
quirky_…  busybox…  sh            exited (0)      1h

[Logs]  Diff   Config   Top   web
hello
        world
${blank(13)}
${HINTS}
${STATUS}`);
  // The fake's CPU rises by 10 points a sample; the first sample has no share yet.
  const text = await until(app, 'two CPU samples', (f) => f.includes('20.0%'));
  assert.is(text.split('\n')[2], 'web       demo:1    httpd -f      running        30m        ▅█  20.0%    12.5MiB');
  app.unmount();
});

test('the store changes: a container started elsewhere appears without a key, the cursor stays; one removed goes', async () => {
  const { app, recorded } = await containersPane();
  await until(app, 'the list', (f) => f.includes('quirky_'));
  await app.press(DOWN);
  const started: ContainerRow = { id: 'n3wc0nta1ner000000000000000', name: 'fresh', image: 'busybox:latest', command: 'sleep 9', state: 'running', exitCode: undefined, created: new Date(NOW - 7000).toISOString() };
  recorded.setContainers([started, ...CONTAINERS]);
  recorded.storeChanged();
  let text = await until(app, 'fresh and its memory', (f) => /fresh .*MiB/.test(f));
  assert.equal(text.split('\n').slice(1, 7).map(noCpu), [
    HEADER,
    'fresh     busybox…  sleep 9       running         7s                     12.5MiB',
    'web       demo:1    httpd -f      running        30m                     12.5MiB',
    'quirky_…  busybox…  sh            exited (0)      1h',
    '',
    '[Logs]  Diff   Config   Top   quirky_tesla',
  ]);
  recorded.setContainers([{ ...started, state: 'exited', exitCode: 137 }, CONTAINERS[1]!]);
  recorded.storeChanged();
  text = await until(app, 'web removed, fresh exited', (f) => !f.includes('web ') && f.includes('exited (137)'));
  assert.equal(text.split('\n').slice(2, 6), [
    'fresh     busybox…  sleep 9       exited (137)    7s',
    'quirky_…  busybox…  sh            exited (0)      1h',
    '',
    '[Logs]  Diff   Config   Top   quirky_tesla',
  ]);
  app.unmount();
});

test('ages follow the clock: a 7-second-old container says 7s, a minute later 1m', async () => {
  let now = NOW;
  const young: ContainerRow = { ...CONTAINERS[1]!, created: new Date(NOW - 7000).toISOString() };
  const { app } = await containersPane([young], () => now);
  let text = await until(app, 'the row', (f) => f.includes('quirky_'));
  assert.is(text.split('\n')[2], 'quirky_…  busybox…  sh            exited (0)      7s');
  now += 60_000;
  text = await until(app, 'the age ticking', (f) => f.split('\n')[2]!.endsWith(' 1m'));
  assert.is(text.split('\n')[2], 'quirky_…  busybox…  sh            exited (0)      1m');
  app.unmount();
});

test('tabs: ] to the diff, Enter into it (the tree keys), Esc back; config; top with its figures', async () => {
  const { app } = await containersPane();
  await until(app, 'the logs', (f) => f.includes('world'));
  await app.press(']');
  let text = await until(app, 'the diff', (f) => f.includes('motd'));
  assert.is(text.split('\n').slice(5, 10).join('\n'), ` Logs  [Diff]  Config   Top   web
M          ▾ etc/
A              motd
R            tmp
`);
  await app.press(ENTER, ' ');
  text = app.frame();
  assert.equal(text.split('\n').slice(5, 9), [' Logs  [Diff]  Config   Top   web', 'M          ▸ etc/', 'R            tmp', '']);
  assert.is(text.split('\n')[21], 'A added · M changed · R removed · Space fold · [ ] tab · Esc back to the list');
  await app.press(ESC, ']');
  text = await until(app, 'the config', (f) => f.includes('Limits'));
  // Row 2's figures move with the fake's samples.
  assert.is(text.split('\n').filter((_, i) => i !== 2).join('\n'), `strata  Images [Containers]
${HEADER}
quirky_…  busybox…  sh            exited (0)      1h

 Logs   Diff  [Config]  Top   web
Image       demo:1 (dddddddddddd)
Command     httpd -f -h '/var/www html'
Env         PATH=/usr/bin:/bin
            HOSTNAME=a1b2c3d4e5f6
WorkingDir  /
User        0:0
Mounts      /srv/site -> /var/www (read-only)
Limits      memory 64MiB · pids 100 · cpus 0.5
Network     none
Hostname    a1b2c3d4e5f6
Root        writable · driver overlay
Id          a1b2c3d4e5f6g7h8i9j0k1l2m3
Created     2024-01-01T01:30:00Z
Started     2024-01-01T01:30:01Z

${HINTS}
${STATUS}`);
  await app.press(']');
  text = await until(app, 'top with figures', (f) => f.includes('PPID') && /CPU \d/.test(f));
  assert.equal(text.split('\n').slice(5, 10).map((l) => l.replace(/CPU \d+\.\d%/, 'CPU N%')), [
    ' Logs   Diff   Config  [Top]  web',
    'CPU N% · memory 12.5MiB of 64MiB · pids 3 of 100',
    '     PID     PPID    UID  S     TIME      RSS COMMAND',
    '    4242     4241      0  S     0:03   1.5MiB httpd -f -h /var/www',
    '    4250     4242     33  R     1:02   800KiB sh -c \\x1b[31mworker',
  ]);
  await app.press(']');
  await until(app, 'back to the logs', (f) => f.includes('[Logs]'));
  app.unmount();
});

test('e: a shell in the running container, the one it has (bash here); a stopped one says why not', async () => {
  const { app, recorded } = await containersPane();
  await until(app, 'the list', (f) => f.includes('quirky_'));
  await app.press('e');
  await until(app, 'the shell done', (f) => f.includes('exec exited with status 0'));
  await settle(100);   // the key hooks subscribe again once the terminal is back
  assert.equal(recorded.terminal, [['exec', '-it', CONTAINERS[0]!.id, 'bash']]);
  await app.press(DOWN, 'e');
  assert.match(app.frame().split('\n').pop()!, /^quirky_tesla is not running +store/, app.frame());
  assert.is(recorded.terminal.length, 1);
  app.unmount();
});

test.run();
