// Many strata processes on one store at once: 16 parallel runs all succeed, under both drivers,
// names stay unique, and `strata check` finds the store sound afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
strataOk(['images'], opts);

for (const driver of ['overlay', 'copy']) {
  test(`${driver}: 16 parallel runs on one store all succeed; check stays clean`, async () => {
    const children = Array.from({ length: 16 }, (_, i) =>
      spawnStrata(['--driver', driver, 'run', ...(i % 2 ? ['--rm'] : []), 'busybox', 'sh', '-c', `echo run-${i} > /mine; cat /mine`], opts));
    const outputs = children.map((c) => {
      let out = '';
      c.stdout!.on('data', (d) => (out += d));
      c.stderr!.on('data', (d) => (out += d));
      return () => out;
    });
    const statuses = await Promise.all(children.map(exited));
    assert.equal(statuses, Array(16).fill(0), outputs.map((o) => o()).join(''));
    outputs.forEach((o, i) => assert.is(o(), `run-${i}\n`));
    const names = strataOk(['--json', 'ps', '-a'], opts).text.trim().split('\n').map((l) => JSON.parse(l).Names);
    assert.is(names.length, 8);
    assert.is(new Set(names).size, 8);
    const check = runStrata(['check'], opts);
    assert.is(check.status, 0, check.stdout.toString());
    strataOk(['rm', ...names], opts);
  });
}

test.run();
