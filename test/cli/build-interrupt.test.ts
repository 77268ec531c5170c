// Ctrl-C during a build: SIGINT while a RUN step's command runs, after a COPY step made a layer.
// strata dies of the signal and leaves nothing behind: no container, sandbox process, mount,
// staging, lease, layer, image or tag of the build.

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';
import { processesWith } from '../helpers/processes.js';

const t = tempStore();
const opts = { root: t.root };

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during a RUN step leaves nothing of the build behind`, async () => {
    strataOk(['images'], opts);
    const images = readdirSync(join(t.root, 'images')).sort();
    const layers = readdirSync(join(t.root, 'layers')).sort();
    const ctx = join(t.scratch, `ctx-${signal}`);
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'f'), 'data\n');
    const marker = `sleep 3${signal.length}7`;
    writeFileSync(join(ctx, 'Dockerfile'), `FROM busybox\nCOPY f /f\nRUN echo started; ${marker}\n`);
    const child = spawnStrata(['build', '-t', 'never:1', ctx], opts);
    let err = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the RUN step did not start: ${err}`)), 60_000);
      child.stderr!.on('data', (d) => {
        err += d;
        if (err.includes('started\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    assert.ok(processesWith(marker).length > 0, 'the command runs');
    child.kill(signal);
    const status = await exited(child);
    assert.is(status, signal === 'SIGINT' ? 130 : 143);
    assert.equal(processesWith(marker), []);
    for (const dir of ['containers', 'staging', 'leases']) assert.equal(readdirSync(join(t.root, dir)), [], dir);
    assert.equal(readdirSync(join(t.root, 'layers')).sort(), layers);
    assert.equal(readdirSync(join(t.root, 'images')).sort(), images);
    assert.not.match(strataOk(['images'], opts).text, 'never');
    assert.not.match(readFileSync('/proc/self/mountinfo', 'utf8'), t.root);
  });
}

test.run();
