// `run --rm` that fails for want of space leaves no container, wherever the space runs out: the
// store is a small tmpfs, filled until N pages are free, for N = 0, 1, 2, … until the run
// succeeds — so each step of making and of starting a container finds the disk full in turn (the
// name, the record, the gc lock, the helper's program, the record of the start). After each
// failure no container, name or lock is left, and the store checks clean.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const mnt = join(t.scratch, 'tmpfs');
const opts = { root: join(mnt, 'store') };
const ok = (...args: string[]) => strataOk(args, opts).text;
const filler = join(mnt, 'filler');

/** Fills the tmpfs until `pages` pages are free. */
function leaveFree(pages: number): void {
  const fs = statfsSync(mnt);
  writeFileSync(filler, Buffer.alloc((fs.bavail - pages) * fs.bsize));
  assert.is(statfsSync(mnt).bavail, pages);
}

/** Every container, name and lock in the store (none may be left by a failed run). */
function leftovers(): string[] {
  return ['containers', 'names', 'locks'].flatMap((dir) => readdirSync(join(opts.root, dir)).map((n) => `${dir}/${n}`));
}

test.before(() => {
  mkdirSync(mnt);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=0700', 'tmpfs', mnt]);
  if (r.status !== 0) throw new Error(`mount tmpfs: ${r.stderr}`);
  // Made once with room to spare: the busybox seed, the helper, the overlay marks of its layer.
  ok('run', '--rm', 'busybox', 'true');
});

test.after(() => {
  spawnSync('umount', ['-l', mnt]);
});

for (const detach of [false, true]) {
  const args = ['run', ...(detach ? ['-d'] : []), '--rm', 'busybox', 'true'];
  test(`${args.join(' ')}: from no page free up to enough, every failure leaves no container`, () => {
    const failures: string[] = [];
    for (let pages = 0; ; pages++) {
      if (pages > 256) throw new Error(`still failing with ${pages} pages free: ${failures.at(-1)}`);
      leaveFree(pages);
      const r = runStrata(args, opts);
      rmSync(filler);
      if (r.status === 0) break;
      assert.is(r.status, 125, r.stderr);
      assert.match(r.stderr, /^strata: .+\n$/);
      assert.equal(leftovers(), [], `${pages} pages free: ${r.stderr.trim()}`);
      failures.push(r.stderr.trim());
    }
    assert.ok(failures.length > 0, 'a full disk made the run fail');
    // A detached container may still be running (and then removed) after `run -d` returns.
    for (let i = 0; i < 200 && leftovers().length > 0; i++) spawnSync('sleep', ['0.05']);
    assert.equal(leftovers(), []);
    assert.is(ok('check'), '');
  });
}

test.run();
