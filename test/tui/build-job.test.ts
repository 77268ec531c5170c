// The build view's job against a real store: a Dockerfile built with its progress as events (each
// step announced before its output, the RUN's output passed on), the tag the image gets; cancels
// through the signal — before the first step, between steps, during a RUN that sleeps — each
// ending in BuildJobCancelled with the store exactly as it was; a context or Dockerfile that is not
// there said in one line.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../../src/store/store.js';
import { BuildJobCancelled, runBuild } from '../../tui/data/build-job.js';
import type { BuildEvent } from '../../tui/data/build-log.js';
import { listImageRows } from '../../tui/data/image-rows.js';
import { strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
// The binary seeds the store with busybox.
strataOk(['images', '-q'], { root: t.root });
const store = await openStore(t.root);

/** What a build makes or holds in the store: a cancelled one leaves each as it was. (Caches
 * derived from layers, such as overlay's stacks, may go with the build's clean-up.) */
function storeFiles(root: string): string[] {
  return ['containers', 'staging', 'leases', 'layers', 'images', 'tags'].flatMap((d) => readdirSync(join(root, d)).sort().map((n) => `${d}/${n}`));
}

function context(name: string, dockerfile: string): string {
  const dir = join(t.scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'app.txt'), 'the app\n');
  return dir;
}

const request = (contextDir: string, more: { buildArgs?: string; tag?: string } = {}) => ({ contextDir, file: '', buildArgs: more.buildArgs ?? '', tag: more.tag ?? '' });

test('runBuild: steps announced in order, the RUN output passed on, the image tagged', async () => {
  const dir = context('ok', 'FROM busybox\nARG WHO\nRUN echo "built by $WHO"\nCOPY app.txt /app.txt\n');
  const events: BuildEvent[] = [];
  const result = await runBuild(store, request(dir, { buildArgs: 'WHO=tests', tag: 'built:1' }), (e) => events.push(e), new AbortController().signal);
  const steps = events.filter((e) => e.type === 'step').map((e) => e.type === 'step' && `${e.n}/${e.total} ${e.text}`);
  assert.equal(steps, ['1/4 FROM busybox', '2/4 ARG WHO', '3/4 RUN echo "built by $WHO"', '4/4 COPY app.txt /app.txt']);
  const output = events.filter((e) => e.type === 'output').map((e) => e.type === 'output' && e.text).join('');
  assert.is(output, 'built by tests\n');
  // The output comes after its step's announcement.
  assert.ok(events.findIndex((e) => e.type === 'output') > events.findIndex((e) => e.type === 'step' && e.n === 3));
  assert.is(result.tag, 'built:1');
  assert.ok(listImageRows(store).some((r) => r.ref === 'built:1' && r.id === result.id));
});

async function cancelled(dir: string, abortWhen: (e: BuildEvent) => boolean, already = false): Promise<BuildEvent[]> {
  const before = storeFiles(t.root);
  const abort = new AbortController();
  if (already) abort.abort();
  const events: BuildEvent[] = [];
  const err = await runBuild(store, request(dir, { tag: 'never:1' }), (e) => {
    events.push(e);
    if (abortWhen(e)) abort.abort();
  }, abort.signal).then(() => undefined, (e: unknown) => e);
  assert.instance(err, BuildJobCancelled, String(err));
  assert.equal(storeFiles(t.root), before);
  assert.not.match(readFileSync('/proc/self/mountinfo', 'utf8'), t.root);
  return events;
}

test('runBuild: aborted before it starts, no step runs', async () => {
  const events = await cancelled(context('early', 'FROM busybox\nRUN echo no > /no\n'), () => false, true);
  assert.equal(events, []);
});

test('runBuild: aborted after a layer was made, no later step starts and the layer goes', async () => {
  const events = await cancelled(context('between', 'FROM busybox\nRUN echo made | tee /made\nRUN echo never\n'), (e) => e.type === 'output' && e.text.includes('made'));
  assert.not.ok(events.some((e) => e.type === 'output' && e.text.includes('never')));
});

test('runBuild: aborted while a RUN sleeps, its sandbox is killed at once', async () => {
  const started = Date.now();
  await cancelled(context('sleeping', 'FROM busybox\nCOPY app.txt /app.txt\nRUN echo started; sleep 30\n'), (e) => e.type === 'output' && e.text.includes('started'));
  assert.ok(Date.now() - started < 20_000, 'the sleep was not waited for');
});

test('runBuild: a context or Dockerfile that is not there is one line', async () => {
  const signal = new AbortController().signal;
  await runBuild(store, request(join(t.scratch, 'nowhere')), () => {}, signal).then(() => assert.unreachable(), (err: Error) => assert.match(err.message, /^build context ".*nowhere" is not a directory$/));
  const dir = join(t.scratch, 'empty');
  mkdirSync(dir);
  await runBuild(store, request(dir), () => {}, signal).then(() => assert.unreachable(), (err: Error) => assert.match(err.message, /^cannot read the Dockerfile ".*empty\/Dockerfile"$/));
});

test.after(() => t.cleanup());

test.run();
