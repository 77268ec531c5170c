// The Containers pane's data on a real store with real containers: the library calls answer as
// the CLI's `ps -a`, `diff`, `logs`, `commit`, `stop` and `rm` do, and a failure is the one line
// the CLI would print. (`start`, which starts strata again as the container's supervisor, is
// driven through the binary in tmux-containers.test.ts.)

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../../src/store/store.js';
import { storeContainers } from '../../tui/data/containers.js';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const ok = (...args: string[]) => strataOk(args, { root: t.root }).text.trim();
// The binary makes the store (seeded with busybox) before the library opens it.
const made = ok('run', '--name', 'made', 'busybox', 'sh', '-c', 'echo hello; echo hi > /etc/motd; rm /etc/passwd');
const containers = storeContainers(await openStore(t.root));
const idOf = (name: string) => JSON.parse(ok('ps', '-a', '--no-trunc', '--json').split('\n').find((l) => l.includes(`"${name}"`))!).ID as string;

test('list: every container, newest first, as `ps -a --json` gives them', async () => {
  ok('run', '-d', '--name', 'busy', 'busybox', 'sleep', '1000');
  const r = await containers.list();
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.value.map((c) => [c.name, c.image, c.command, c.state, c.exitCode]), [
    ['busy', 'busybox', 'sleep 1000', 'running', undefined],
    ['made', 'busybox', 'sh -c echo hello; echo hi > /etc/motd; rm /etc/passwd', 'exited', 0],
  ]);
  assert.is(r.value[1]!.id, idOf('made'));
});

test("diff: the container's changes, A/C/D as A/M/R", async () => {
  assert.is(made, 'hello');
  const r = await containers.diff('made');
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.value.map((c) => `${c.mark} ${c.path}`), ['M /etc', 'A /etc/motd', 'R /etc/passwd']);
});

test('logs: what a detached container wrote', async () => {
  ok('run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'echo out; echo err >&2');
  ok('wait', 'talker');
  assert.equal(await containers.logs('talker'), { ok: true, value: 'out\n' });
});

test('commit: a new image, tagged', async () => {
  const r = await containers.commit('made', 'made:1');
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.match(r.value, /^sha256:[0-9a-f]{64}$/);
  assert.ok(ok('inspect', 'made:1').includes(r.value));
  assert.is(runStrata(['run', '--rm', 'made:1', 'cat', '/etc/motd'], { root: t.root }).stdout.toString(), 'hi\n');
});

test('stop, then remove; a running container is not removed, and says why', async () => {
  const refused = await containers.remove('busy');
  assert.not.ok(refused.ok);
  if (!refused.ok) assert.match(refused.error, /busy.*running|running.*busy/);
  assert.equal(await containers.stop('busy'), { ok: true, value: undefined });
  assert.match(ok('ps', '-a'), /Exited \(\d+\) .+ busy\n?$/m);
  assert.equal(await containers.remove('busy'), { ok: true, value: undefined });
  assert.not.match(ok('ps', '-a'), / busy$/m);
});

test('live: logs followed from an offset, figures of a running container, its processes, its run spec and shell', async () => {
  ok('run', '-d', '--name', 'live', 'busybox', 'sh', '-c', 'echo one; read x; sleep 1000');
  const id = idOf('live');
  await containers.list();
  const first = await containers.logsSince(id, undefined);
  assert.ok(first.ok);
  if (!first.ok) return;
  for (let i = 0; i < 50 && (await containers.logsSince(id, undefined)).ok && first.value.text === ''; i++) await new Promise((r) => setTimeout(r, 20));
  const all = await containers.logsSince(id, undefined);
  assert.equal(all, { ok: true, value: { text: 'one\n', next: 4 } });
  assert.equal(await containers.logsSince(id, 4), { ok: true, value: { text: '', next: 4 } }, 'nothing new');
  let figures: Awaited<ReturnType<typeof containers.stats>> | undefined;
  for (let i = 0; i < 100; i++) {
    figures = await containers.stats([id]);
    if (figures.stats.get(id)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(figures!.stats.get(id)!.pids! >= 2, JSON.stringify([...figures!.stats]));
  assert.equal(figures!.stopped, []);
  const top = await containers.top(id);
  assert.ok(top.ok && top.value.some((p) => p.command === "sleep 1000" && p.uid === 0), JSON.stringify(top));
  const config = await containers.config(id);
  assert.ok(config.ok && config.value.spec.limits.pids === 4096);
  assert.equal(await containers.shell(id), { ok: true, value: 'sh' });
  ok('rm', '-f', 'live');
  assert.equal((await containers.stats([id])).stopped, [id], 'removed: no longer running');
});

test('a failure is the one line the CLI prints', async () => {
  const cli = runStrata(['diff', 'nosuch'], { root: t.root });
  assert.equal(await containers.diff('nosuch'), { ok: false, error: cli.stderr.trim().replace(/^strata: /, '') });
});

test.after(() => {
  runStrata(['rm', '-f', 'made', 'talker', 'live'], { root: t.root });
  t.cleanup();
});

test.run();
