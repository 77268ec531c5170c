// What the TUI's live Containers pane asks of the runtime, on a real store: the watch that sees
// containers published, started, exited and removed by other processes; a container's run spec,
// checked before use; the shell an interactive session starts (bash when the image or the
// container has one in its PATH, else sh).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerRunConfig } from '../../src/runtime/containers/run-config.js';
import { containerShell } from '../../src/runtime/containers/shell.js';
import { watchContainers } from '../../src/runtime/containers/watch.js';
import { imageShell } from '../../src/runtime/sandbox/shell.js';
import { resolveImage } from '../../src/store/lookup.js';
import { openStore } from '../../src/store/store.js';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const ok = (...args: string[]) => strataOk(args, { root: t.root }).text.trim();
ok('images');
const store = await openStore(t.root);

/** Resolves with how long `act` took to be noticed (ms); rejects after `ms`. */
function noticed(act: () => void, ms = 3000): Promise<number> {
  return new Promise((resolve, reject) => {
    let start = 0;
    // The fallback poll is made slow, so what is seen within the deadline was seen by inotify.
    const w = watchContainers(store, () => {
      w.close();
      clearTimeout(timer);
      resolve(performance.now() - start);
    }, { pollMs: 60_000 });
    const timer = setTimeout(() => {
      w.close();
      reject(new Error('not noticed'));
    }, ms);
    start = performance.now();
    act();
  });
}

test('watch: a container published, its record replaced as it runs and exits, and its removal are each seen at once', async () => {
  // The first run makes the containers directory: the watch starts before it exists.
  assert.ok(await noticed(() => ok('run', '--name', 'first', 'busybox', 'true')) < 3000);
  assert.ok(await noticed(() => ok('start', 'first')) < 3000);
  assert.ok(await noticed(() => ok('run', '-d', '--name', 'w', 'busybox', 'sleep', '1000')) < 3000);
  assert.ok(await noticed(() => ok('stop', '-t', '1', 'w')) < 3000);
  assert.ok(await noticed(() => ok('rm', 'w')) < 3000);
  ok('rm', '-f', 'first');
});

test('watch: close stops the calls', async () => {
  let calls = 0;
  const w = watchContainers(store, () => calls++, { pollMs: 100 });
  const alive = setInterval(() => {}, 50);
  ok('run', '--name', 'polled', 'busybox', 'true');
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(calls >= 1, `${calls}`);
  w.close();
  const after = calls;
  ok('rm', 'polled');
  await new Promise((r) => setTimeout(r, 300));
  assert.is(calls, after, 'closed: no more calls');
  clearInterval(alive);
});

test('run spec: image, argv, env, mounts and limits as run decided them; a damaged spec is refused, naming the container', () => {
  ok('run', '--name', 'spec', '-e', 'GREETING=hi there', '-m', '64m', '--pids', '100', '--cpus', '0.5', '-v', `${t.scratch}:/data:ro`, '-w', '/tmp', 'busybox', 'sh', '-c', 'echo "$GREETING"');
  const { record, spec } = containerRunConfig(store, 'spec');
  const id = record.id;
  assert.is(record.name, 'spec');
  assert.is(record.imageRef, 'busybox');
  assert.equal(spec.process.argv, ['sh', '-c', 'echo "$GREETING"']);
  assert.ok(spec.process.env.includes('GREETING=hi there'));
  assert.is(spec.process.cwd, '/tmp');
  assert.equal(spec.volumes, [{ source: t.scratch, target: '/data', readOnly: true }]);
  assert.equal(spec.limits, { memory: 64 * 1024 * 1024, pids: 100, cpus: 0.5 });
  writeFileSync(join(store.paths.container(id), 'run.json'), JSON.stringify({ ...spec, volumes: [{ source: 1 }] }));
  assert.throws(() => containerRunConfig(store, 'spec'), (err: Error) => /spec|run specification/.test(err.message) && /is damaged \(its volumes are malformed\)/.test(err.message));
  ok('rm', 'spec');
});

test('shell: busybox has no bash (sh); a container that made an executable bash in the PATH of its image gets it; its commit too; not an unexecutable one, nor a link out of the root', async () => {
  assert.is(imageShell(store, resolveImage(store, 'busybox')), 'sh');
  ok('run', '--name', 'withbash', 'busybox', 'ln', '-s', '/bin/busybox', '/usr/bin/bash');
  assert.is(await containerShell(store, 'withbash'), 'bash');
  ok('commit', 'withbash', 'withbash:1');
  assert.is(imageShell(store, resolveImage(store, 'withbash:1')), 'bash');
  ok('run', '--name', 'noexec', 'busybox', 'sh', '-c', 'echo "#!/bin/sh" > /usr/bin/bash && chmod 644 /usr/bin/bash');
  assert.is(await containerShell(store, 'noexec'), 'sh');
  ok('run', '--name', 'outside', 'busybox', 'ln', '-s', '../../../../../../bin/bash', '/usr/bin/bash');
  assert.is(await containerShell(store, 'outside'), 'sh', "a link resolves inside the container's root, where there is no /bin/bash");
  ok('rm', 'withbash', 'noexec', 'outside');
});

test.after(() => {
  runStrata(['rm', '-f', 'first', 'w', 'polled', 'spec', 'withbash', 'noexec', 'outside'], { root: t.root });
  t.cleanup();
});

test.run();
