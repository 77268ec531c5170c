import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_START, appReducer, helpTopic, type AppAction, type AppState } from '../../tui/app/use-app-state.js';
import type { ImageRow } from '../../tui/data/image-rows.js';
import { IMPORT_START, importReducer, type ImportAction, type ImportPhase } from '../../tui/screens/use-import-state.js';

const row: ImageRow = { id: `sha256:${'a'.repeat(64)}`, ref: 'busybox:latest', size: 1, layers: 1, created: '' };
const run = (...actions: AppAction[]) => actions.reduce(appReducer, APP_START as AppState);

test('appReducer: Images pane first; Tab to Containers and back', () => {
  assert.is(APP_START.pane, 'images');
  assert.is(run({ type: 'switchPane' }).pane, 'containers');
  assert.is(run({ type: 'switchPane' }, { type: 'switchPane' }).pane, 'images');
});

test('appReducer: open an image, help over it, back to the panes', () => {
  const s = run({ type: 'openImage', row }, { type: 'toggleHelp' });
  assert.equal(s.screen, { kind: 'image', row });
  assert.is(helpTopic(s), 'image');
  const back = appReducer(s, { type: 'back' });
  assert.equal(back.screen, { kind: 'panes' });
  assert.is(back.help, false);
  assert.is(helpTopic(back), 'images');
});

test('appReducer: the terminal handed to a shell and back; the lists re-read, the status said', () => {
  const s = run({ type: 'takeTerminal', args: ['run', '-it', '--rm', 'busybox:latest', 'sh'] });
  assert.equal(s.terminal, ['run', '-it', '--rm', 'busybox:latest', 'sh']);
  const done = appReducer(s, { type: 'terminalDone', status: 0 });
  assert.is(done.terminal, undefined);
  assert.is(done.generation, 1);
  assert.equal(done.message, { text: 'shell exited with status 0', error: false });
  assert.equal(appReducer(s, { type: 'terminalDone', status: 127 }).message, { text: 'shell exited with status 127', error: true });
});

const steps = (...actions: ImportAction[]) => actions.reduce(importReducer, IMPORT_START as ImportPhase);

test('importReducer: path, name, progress, done', () => {
  const running = steps({ type: 'pathChosen', path: '/x.tar' }, { type: 'start', name: 'x:1' });
  assert.equal(running, { kind: 'running', path: '/x.tar', name: 'x:1', progress: undefined, cancelling: false });
  const p = { bytes: 10, entries: 2, total: 20 };
  assert.equal(importReducer(running, { type: 'progress', progress: p }), { ...running, progress: p });
  assert.equal(importReducer(running, { type: 'finished', made: ['x:1'] }), { kind: 'done', made: ['x:1'] });
});

test('importReducer: a refused path stays on the path; cancel, then cancelled; events out of turn change nothing', () => {
  assert.equal(steps({ type: 'pathRefused', error: 'no such file' }), { kind: 'path', error: 'no such file' });
  const running = steps({ type: 'pathChosen', path: '/x.tar' }, { type: 'start', name: '' });
  const cancelling = importReducer(running, { type: 'cancel' });
  assert.is(cancelling.kind === 'running' && cancelling.cancelling, true);
  assert.equal(importReducer(cancelling, { type: 'cancelled' }), { kind: 'cancelled' });
  assert.equal(steps({ type: 'finished', made: [] }), IMPORT_START);
  assert.equal(importReducer({ kind: 'cancelled' }, { type: 'again' }), IMPORT_START);
});

test.run();
