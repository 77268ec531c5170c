// `strata diff IMAGE1 IMAGE2`, `diff IMAGE`, `diff IMAGE@N`: two images built on the same base by
// different scripts, with every kind of difference (a file changed on one side or on both, the same
// file made alike on both, a base directory deleted on one side, one made again, a file replaced by
// a directory); layers numbered as `history --json` numbers them; a container found before an image
// of the same name; and the shared layers never read (their indexes moved away once the shared
// stack's path table exists).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).stdout.toString('latin1');
const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');

ok('run', '--name', 'b', 'busybox', 'sh', '-c', 'mkdir -p /s/keep /s/gone/deep /s/again; echo 1 > /s/keep/f; echo 2 > /s/gone/deep/g; echo 3 > /s/again/a; echo 4 > /s/file');
ok('commit', 'b', 'base:1');
// Both sides write /s/same alike (same bytes, mode, owner; mtimes differ: files with different
// mtimes are not the same, so it is made with one fixed by touch -d).
const SAME = 'echo same > /s/same; touch -d "2020-01-01 00:00:00" /s/same';
ok('run', '--name', 'one', 'base:1', 'sh', '-c', `${SAME}; echo one > /s/keep/f; echo only > /s/one`);
ok('commit', 'one', 'img:one');
ok('run', '--name', 'two', 'base:1', 'sh', '-c', `${SAME}; echo two > /s/keep/f; rm -rf /s/gone; rm -rf /s/again; mkdir /s/again; echo n > /s/again/n; rm /s/file; mkdir /s/file`);
ok('commit', 'two', 'img:two');

const WANT = lines(
  'C /s', 'C /s/again', 'D /s/again/a', 'A /s/again/n', 'C /s/file', 'D /s/gone', 'D /s/gone/deep', 'D /s/gone/deep/g', 'C /s/keep/f', 'D /s/one',
);

test('diff IMAGE1 IMAGE2: A, C and D from the first to the second', () => {
  assert.is(ok('diff', 'img:one', 'img:two'), WANT);
  // The other way round, A and D swap.
  assert.is(ok('diff', 'img:two', 'img:one'), WANT.replace(/^([AD])/gm, (k) => (k === 'A' ? 'D' : 'A')));
  assert.is(ok('diff', 'img:one', 'img:one'), '');
});

test('diff IMAGE@N: the view at layer N, numbered as history lists the layers (0 = the base, at the bottom)', () => {
  // history lists img:one's three layers newest first: @2 is the top row, @0 the bottom one.
  assert.is(ok('history', '--json', 'img:one').trim().split('\n').length, 3);
  // img:one at layer 1 is base:1; at 2, itself.
  assert.is(ok('diff', 'img:one@1', 'base:1'), '');
  assert.is(ok('diff', 'img:one@2', 'img:two'), WANT);
  assert.is(ok('diff', 'base:1@1', 'img:one'), lines('C /s', 'C /s/keep/f', 'A /s/one', 'A /s/same'));
  const out = runStrata(['diff', 'img:one@3', 'img:two'], opts);
  assert.is(out.status, 1);
  assert.is(out.stderr, 'strata: layer 3 is out of range (the image has layers 0 to 2)\n');
});

test('diff IMAGE and IMAGE@N: what that layer changes over the ones below', () => {
  assert.is(ok('diff', 'img:one'), lines('C /s', 'C /s/keep/f', 'A /s/one', 'A /s/same'));
  assert.is(ok('diff', 'img:one@1'), ok('diff', 'base:1'));
  assert.match(ok('diff', 'img:one@0'), /^A \/bin\n/);
});

test('--json: one object a line', () => {
  const json = ok('--json', 'diff', 'img:one', 'img:two').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(json[0], { kind: 'C', path: '/s' });
  assert.is(json.length, WANT.trim().split('\n').length);
});

test('diff NAME: a container before an image of that name, as podman', () => {
  ok('run', '--name', 'twin', 'busybox', 'touch', '/from-container');
  ok('tag', 'img:one', 'twin');
  assert.is(ok('diff', 'twin'), lines('A /from-container'));
  assert.is(ok('diff', 'twin:latest'), lines('C /s', 'C /s/keep/f', 'A /s/one', 'A /s/same'));
  const none = runStrata(['diff', 'nothing-here'], opts);
  assert.is(none.stderr, 'strata: container "nothing-here" not found\n');
  assert.is(none.status, 1);
});

test('the shared layers are not read: only their path table and directories', () => {
  const layers = join(t.root, 'layers');
  const stacks = join(t.root, 'stacks');
  // A first diff kept the shared stack's path table; now take every index of the shared layers away.
  const base = JSON.parse(ok('inspect', 'base:1'))[0].RootFS.Layers.map((d: string) => d.slice(7)) as string[];
  const moved = [
    ...base.map((hex) => join(layers, hex, 'index.json')),
    ...readdirSync(stacks).filter((n) => !n.endsWith('.paths')).map((n) => join(stacks, n)),
  ];
  for (const f of moved) renameSync(f, `${f}.away`);
  try {
    assert.is(ok('diff', 'img:one', 'img:two'), WANT);
  } finally {
    for (const f of moved) renameSync(`${f}.away`, f);
  }
});

test.after(() => t.cleanup());
test.run();
