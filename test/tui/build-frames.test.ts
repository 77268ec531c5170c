// The build view by exact frames (ink-testing-library, 100x24, no colour), driven by a fake build
// service the test plays: `b` opens it, the context is completed with Tab, the Dockerfile offered
// as CONTEXT/Dockerfile, build args and a tag typed; then the steps as they come (CACHED or why
// not, the spinner and the running step's output, a COPY's bar), the image opened when built, Esc
// cancelling through the signal, a failure in words, hostile output escaped.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StrataError } from '../../src/base/errors.js';
import { completePath } from '../../tui/data/path-completion.js';
import { DEMO_ID } from './helpers/demo-image.js';
import { fakeServices, type FakeBuild } from './helpers/fake-services.js';
import { BACKSPACE, ENTER, ESC, TAB } from './helpers/keys.js';
import { renderApp, settle } from './helpers/render-app.js';

const STATUS = '                                                     store /var/lib/strata · driver overlay · ? help';
const blank = (n: number) => Array.from({ length: n }, () => '').join('\n');
/** The spinner turns with time: frames show it as "*". */
const still = (frame: string) => frame.replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '*');

const scratch = mkdtempSync(join(tmpdir(), 'strata-build-view-'));
const ctx = join(scratch, 'app-context');
mkdirSync(ctx);
writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo hello\nCOPY big /big\n');
mkdirSync(join(scratch, 'another'));

type App = ReturnType<typeof renderApp>;

async function type(app: App, text: string) {
  for (const c of text) await app.press(c);
}

/** b, the context by Tab completion, the Dockerfile as offered, args and tag typed: running. */
async function startBuild(args = 'VERSION=1.2 DEBUG', tag = 'app:1') {
  const { services, recorded } = fakeServices({ completePath: (t) => completePath(t) });
  const app = renderApp(services);
  await settle();
  await app.press('b');
  await settle(200);
  await type(app, `${scratch}/ap`);
  await app.press(TAB, ENTER, ENTER);
  await type(app, args);
  await app.press(ENTER);
  await type(app, tag);
  await app.press(ENTER);
  await settle(150);
  return { app, recorded, build: () => recorded.builds[recorded.builds.length - 1]! };
}

function played(build: FakeBuild) {
  build.emit(
    { type: 'step', stage: 'stage 0', n: 1, total: 3, text: 'FROM busybox' },
    { type: 'cache', verdict: { cached: true } },
    { type: 'step', stage: 'stage 0', n: 2, total: 3, text: 'RUN echo hello' },
    { type: 'cache', verdict: { cached: false, reason: '--build-arg VERSION changed' } },
    { type: 'output', text: 'hello\nfetching 10%\rfetching 55%\nwor' },
  );
}

test('build view: b opens the form; the context completes with Tab; Esc in the first field goes back', async () => {
  const { services } = fakeServices({ completePath: (t) => completePath(t) });
  const app = renderApp(services);
  await settle();
  await app.press('b');
  await settle(200);
  assert.is(app.frame(), `strata [Images] Containers   › Build
Build an image from a Dockerfile (its RUN steps have no network)

Context:
Dockerfile:
Build args:
Tag:
${blank(14)}
The context directory · Tab completes · Enter next · Esc back
${STATUS}`);
  // An ambiguous completion lists its candidates under the field; the view keeps its height.
  await type(app, `${scratch}/a`);
  await app.press(TAB);
  assert.match(app.frame(), `\nContext:    ${scratch}/a\nanother/  app-context/\nDockerfile:\n`);
  assert.is(app.frame().split('\n').length, 23);
  assert.match(app.frame(), `\nThe context directory · Tab completes · Enter next · Esc back\n${STATUS}`);
  await type(app, 'p');
  await app.press(TAB);
  assert.match(app.frame(), `\nContext:    ${ctx}/\n`);
  await app.press(ENTER);
  // The Dockerfile offered is the context's own.
  assert.match(app.frame(), `\nDockerfile: ${ctx}/Dockerfile\n`);
  assert.match(app.frame(), '\nThe Dockerfile · Tab completes · Enter next · Esc previous field\n');
  await app.press(ESC, ESC);
  assert.match(app.frame(), /^strata \[Images\] Containers\nNAME:TAG/);
  app.unmount();
});

test('build view: a context that is not a directory, a Dockerfile that is not there, a bad build arg: said in the footer, the field kept', async () => {
  const { services, recorded } = fakeServices();
  const app = renderApp(services);
  await settle();
  await app.press('b');
  await settle(200);
  await type(app, join(ctx, 'Dockerfile'));
  await app.press(ENTER);
  assert.match(app.frame(), `\n${ctx}/Dockerfile: not a directory\n`);
  for (let i = 0; i < 'Dockerfile'.length + 1; i++) await app.press(BACKSPACE);
  await app.press(ENTER);
  await type(app, '.missing');
  await app.press(ENTER);
  assert.match(app.frame(), `\n${ctx}/Dockerfile.missing: no such file\n`);
  for (let i = 0; i < '.missing'.length; i++) await app.press(BACKSPACE);
  await app.press(ENTER);
  await type(app, '=1');
  await app.press(ENTER);
  assert.match(app.frame(), '\nbuild arg "=1": K=V, or K\n');
  assert.is(recorded.builds.length, 0);
  app.unmount();
});

test('build view: the steps as they run — CACHED or why not, the spinner on the running step and its output', async () => {
  const { app, build } = await startBuild();
  assert.equal(build().request, { contextDir: `${ctx}/`, file: `${ctx}/Dockerfile`, buildArgs: 'VERSION=1.2 DEBUG', tag: 'app:1' });
  played(build());
  await settle(250);
  assert.is(still(app.frame()), `strata [Images] Containers   › Build
Build an image from a Dockerfile (its RUN steps have no network)

Context:    ${ctx}/
Dockerfile: ${ctx}/Dockerfile
Build args: VERSION=1.2 DEBUG
Tag:        app:1

✓ [stage 0 1/3] FROM busybox  CACHED
* [stage 0 2/3] RUN echo hello  --build-arg VERSION changed
  │ hello
  │ fetching 55%
  │ wor
${blank(8)}
Esc cancels (nothing is left behind)
${STATUS}`);
  // The spinner turns while nothing else comes.
  const a = app.frame();
  await settle(250);
  assert.is.not(app.frame(), a);
  app.unmount();
});

test('build view: a COPY shows its bar; the built image opens in the image view under its tag', async () => {
  const { app, build } = await startBuild();
  played(build());
  build().emit(
    { type: 'output', text: 'ld\n' },
    { type: 'step', stage: 'stage 0', n: 3, total: 3, text: 'COPY big /big' },
    { type: 'cache', verdict: { cached: false, reason: 'COPY sources changed: big' } },
    { type: 'copy', done: 5_000_000, total: 20_000_000 },
  );
  await settle(250);
  assert.equal(still(app.frame()).split('\n').slice(8, 12), [
    '✓ [stage 0 1/3] FROM busybox  CACHED',
    '✓ [stage 0 2/3] RUN echo hello  --build-arg VERSION changed',
    '* [stage 0 3/3] COPY big /big  COPY sources changed: big',
    '  ██████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ 25%  5MB of 20MB',
  ]);
  build().finish({ id: DEMO_ID, tag: 'demo:1' });
  await settle(300);
  const frame = app.frame();
  assert.match(frame, /^strata \[Images\] Containers   › demo:1\nLayers \(3\)/);
  assert.match(frame, /\nbuilt demo:1 +store \/var\/lib\/strata/);
  app.unmount();
});

test('build view: Esc while it runs aborts the build through its signal; the view says so; Enter goes back', async () => {
  const { app, build } = await startBuild('', '');
  assert.equal(build().request, { contextDir: `${ctx}/`, file: `${ctx}/Dockerfile`, buildArgs: '', tag: '' });
  played(build());
  await settle(150);
  await app.press(ESC);
  await settle(150);
  assert.ok(build().signal.aborted);
  assert.equal(app.frame().split('\n').slice(8, 15), [
    '✓ [stage 0 1/3] FROM busybox  CACHED',
    '✗ [stage 0 2/3] RUN echo hello  --build-arg VERSION changed',
    '  │ hello',
    '  │ fetching 55%',
    '  │ wor',
    'build cancelled; nothing it made is left behind',
    '',
  ]);
  assert.match(app.frame(), '\nEnter or Esc back · b edit and build again\n');
  await app.press(ENTER);
  assert.match(app.frame(), /^strata \[Images\] Containers\nNAME:TAG/);
  app.unmount();
});

test('build view: a failed build names the step and says why; b edits the fields again, kept as typed', async () => {
  const { app, build } = await startBuild();
  played(build());
  build().fail(new StrataError('Dockerfile:2: RUN echo hello: exit status 1 (the build has no network; --net host gives it the host\'s)'));
  await settle(200);
  const lines = app.frame().split('\n');
  assert.is(lines[9], '✗ [stage 0 2/3] RUN echo hello  --build-arg VERSION changed');
  // A message longer than the width goes on over lines.
  assert.equal(lines.slice(13, 15), ['Dockerfile:2: RUN echo hello: exit status 1 (the build has no network; --net host gives it the', "host's)"]);
  await app.press('?');
  assert.match(app.frame(), /\bb +after a failed or cancelled build: edit it and build again\n/);
  await app.press('?');
  await app.press('b');
  assert.match(app.frame(), `\nContext:    ${ctx}/\nDockerfile: ${ctx}/Dockerfile\nBuild args: VERSION=1.2 DEBUG\nTag:        app:1\n`);
  app.unmount();
});

test('build view: output with escape sequences is shown escaped, tabs as spaces; many steps give way to the running one', async () => {
  const { app, build } = await startBuild();
  for (let n = 1; n <= 20; n++) {
    build().emit({ type: 'step', stage: 'stage 0', n, total: 20, text: `RUN step ${n}` }, { type: 'cache', verdict: { cached: true } });
  }
  build().emit({ type: 'cache', verdict: { cached: false, reason: 'no cache entry' } }, { type: 'output', text: 'a\tb\n\x1b[2J\x1b]0;owned\x07x\n' });
  await settle(250);
  const lines = still(app.frame()).split('\n');
  assert.equal(lines.slice(8, 22), [
    '… 10 earlier steps',
    ...Array.from({ length: 9 }, (_, i) => `✓ [stage 0 ${i + 11}/20] RUN step ${i + 11}  CACHED`),
    '* [stage 0 20/20] RUN step 20  no cache entry',
    '  │ a       b',
    '  │ \\x1b[2J\\x1b]0;owned\\x07x',
    'Esc cancels (nothing is left behind)',
  ]);
  app.unmount();
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
