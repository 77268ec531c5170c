// `efficiency` computes dive's numbers (dive/filetree/efficiency.go, dive/image/analysis.go) and
// `--ci-config` judges them by dive's .dive-ci rules, on an image built so that dive's rules and
// simpler ones disagree, with the figures worked out by hand from dive's code below.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTar } from '../import/tar-fixtures.js';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const s = tempStore();
test.after(() => s.cleanup());
const ok = (...args: string[]) => strataOk(args, { root: s.root }).text;
const bytes = (n: number) => Buffer.alloc(n, 7);

// The layers (names as in the tars, sizes in bytes):
//   0: etc/, etc/big 4000, etc/conf 100, lib/, lib/a 1000, lib/b 2000, bin/, bin/x 10
//   1: etc/, etc/conf 300, etc/.wh.big, lib/, lib/c 500, bin/, bin/y 20
//   2: .wh.bin, .wh.lib
//   3: .wh.ghost, zzz 7                                                  (/ghost never existed)
const LAYERS = [
  makeTar([
    { name: 'etc/', type: 'dir' }, { name: 'etc/big', content: bytes(4000) }, { name: 'etc/conf', content: bytes(100) },
    { name: 'lib/', type: 'dir' }, { name: 'lib/a', content: bytes(1000) }, { name: 'lib/b', content: bytes(2000) },
    { name: 'bin/', type: 'dir' }, { name: 'bin/x', content: bytes(10) },
  ]),
  makeTar([
    { name: 'etc/', type: 'dir' }, { name: 'etc/conf', content: bytes(300) }, { name: 'etc/.wh.big', content: '' },
    { name: 'lib/', type: 'dir' }, { name: 'lib/c', content: bytes(500) }, { name: 'bin/', type: 'dir' }, { name: 'bin/y', content: bytes(20) },
  ]),
  makeTar([{ name: '.wh.bin', content: '' }, { name: '.wh.lib', content: '' }]),
  makeTar([{ name: '.wh.ghost', content: '' }, { name: 'zzz', content: bytes(7) }]),
];

// dive's walk: each layer's leaves, children before parents, siblings by name; a whiteout's size
// is 0 unless the stacked tree of the layers below has a directory there, then the sizes of
// everything in it; a whiteout of a path not below ends that layer's walk.
//   layer 0: /bin/x 10, /etc/big 4000, /etc/conf 100, /lib/a 1000, /lib/b 2000
//   layer 1: /bin/y 20; /etc/.wh.big (sorts before conf): /etc/big is a file below -> 0;
//            /etc/conf 300; /lib/c 500
//   layer 2: below = layers 0-1 stacked: /bin and /lib are directories there (both layers list
//            them): .wh.bin -> x 10 + y 20 = 30; .wh.lib -> a 1000 + b 2000 + c 500 = 3500.
//   layer 3: .wh.ghost (sorts before zzz): /ghost is not below -> dive records /ghost with no copy
//            and a smallest size of -1, and stops the layer: /zzz is never counted.
// Per path (total / smallest): /bin/x 10/10, /etc/big 4000/0 (2 copies), /etc/conf 400/100
// (2 copies), /lib/a 1000/1000, /lib/b 2000/2000, /bin/y 20/20, /lib/c 500/500, /bin 30/30,
// /lib 3500/3500, /ghost 0/-1.
const TOTAL = 10 + 4000 + 400 + 1000 + 2000 + 20 + 500 + 30 + 3500 + 0; // 11460
const MINIMUM = 10 + 0 + 100 + 1000 + 2000 + 20 + 500 + 30 + 3500 - 1; // 7159
const WASTED = 4000 + 400; // the paths with two copies
// Layer sizes (every entry's header size): 7110, 820, 0, 7; the user bytes leave out layer 0.
const SIZE = 7110 + 820 + 0 + 7;
const USER = 820 + 0 + 7;
// (Counting a deleted file's bytes and skipping the whiteout of nothing, as strata did before, gives
// total 15467, smallest 11167, score 0.722 and 8400 wasted: another verdict at lowestEfficiency 0.63.)

test.before(() => {
  const dir = join(s.scratch, 'img');
  mkdirSync(dir, { recursive: true });
  const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
  LAYERS.forEach((l, i) => writeFileSync(join(dir, `l${i}.tar`), l));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {},
    rootfs: { type: 'layers', diff_ids: LAYERS.map((l) => `sha256:${sha(l)}`) },
    history: LAYERS.map((_, i) => ({ created_by: `step ${i}` })),
  }));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['dive:1'], Layers: LAYERS.map((_, i) => `l${i}.tar`) }]));
  const archive = join(s.scratch, 'dive.tar');
  execFileSync('tar', ['-cf', archive, '-C', dir, 'manifest.json', 'config.json', ...LAYERS.map((_, i) => `l${i}.tar`)]);
  ok('load', archive);
});

test("efficiency: dive's score, wasted bytes, sizes and user-wasted ratio", () => {
  const r = JSON.parse(ok('efficiency', '--json', 'dive:1'));
  assert.is(r.totalBytes, TOTAL);
  assert.is(r.minimumBytes, MINIMUM);
  assert.is(r.score, MINIMUM / TOTAL);
  assert.is(r.wastedBytes, WASTED);
  assert.is(r.sizeBytes, SIZE);
  assert.is(r.userSizeBytes, USER);
  assert.is(r.userWastedRatio, WASTED / USER);
  assert.equal(r.wastedPaths, [{ path: '/etc/big', copies: 2, totalBytes: 4000 }, { path: '/etc/conf', copies: 2, totalBytes: 400 }]);
  const text = ok('efficiency', 'dive:1');
  assert.match(text, /^Efficiency: 62\.4695 %\nWasted space: 4\.4kB \(4400 bytes\)\nWasted of the bytes above the base layer: 532\.0435 %\n/);
});

function ci(config: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(s.scratch, `.dive-ci-${createHash('sha256').update(config).digest('hex').slice(0, 8)}`);
  writeFileSync(file, config);
  const r = runStrata(['efficiency', '--ci-config', file, 'dive:1'], { root: s.root });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr };
}

test('--ci-config: every rule passing (or disabled) exits 0 and lists them', () => {
  // 0.6 <= 0.6237; 4400 is not above 4.4kB (4400); the ratio rule is off.
  const r = ci('plugins:\n  - plugin1\nrules:\n  lowestEfficiency: 0.6\n  highestWastedBytes: 4.4kB\n  highestUserWastedPercent: disabled\n  plugin1/rule1: error\n');
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /Rules:\n {2}PASS: lowestEfficiency\n {2}PASS: highestWastedBytes\n {2}SKIP: highestUserWastedPercent: rule disabled\n$/);
});

test('--ci-config: a failed rule exits 1 with one line naming it, in dive\'s words', () => {
  let r = ci('rules:\n  lowestEfficiency: 0.63\n  highestWastedBytes: off\n  highestUserWastedPercent: "false"\n');
  assert.is(r.status, 1);
  assert.is(r.stderr, 'strata: rule lowestEfficiency failed: image efficiency is too low (efficiency=0.62 < threshold=0.63)\n');
  // Bytes with units as go-humanize reads them: 4KiB is 4096, "4,399" is 4399, both below 4400.
  for (const limit of ['4KiB', '4,399', '4.3 kb']) {
    r = ci(`rules:\n  lowestEfficiency: disabled\n  highestWastedBytes: ${limit}\n  highestUserWastedPercent: Disabled\n`);
    assert.is(r.status, 1, limit);
    assert.match(r.stderr, /^strata: rule highestWastedBytes failed: too many bytes wasted \(wasted-bytes=4400 > threshold=\d+\)\n$/, limit);
  }
  // No rules in the file: dive's defaults, lowestEfficiency 0.9 and highestUserWastedPercent 0.1, both fail.
  r = ci('# nothing here\n');
  assert.is(r.status, 1);
  assert.is(r.stderr, 'strata: rule lowestEfficiency failed: image efficiency is too low (efficiency=0.62 < threshold=0.9); '
    + 'rule highestUserWastedPercent failed: too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=5.32 > threshold=0.1)\n');
  assert.match(r.stdout, /FAIL: lowestEfficiency: .*\n {2}SKIP: highestWastedBytes: rule disabled\n {2}FAIL: highestUserWastedPercent: /);
});

test('--ci-config: a file that is not a .dive-ci is refused with one line, exit 2', () => {
  for (const [config, why] of [
    ['rules:\n  lowestEfficiency: 1.5\n', /lowestEfficiency config value is outside allowed range \(0-1\)/],
    ['rules:\n  highestWastedBytes: 20 parsecs\n', /invalid highestWastedBytes config value/],
    ['rules:\n  highestUserWastedPercent: lots\n', /invalid highestUserWastedPercent config value/],
    ['rules:\n  lowestEfficiency: [0.5]\n', /rules\.lowestEfficiency is not a single value/],
    ['rules: [a, b]\n', /"rules" is not a mapping/],
    ['rules:\n  a: 1\n  a: 2\n', /not YAML/],
    ['- just\n- a list\n', /not a YAML mapping/],
  ] as const) {
    const r = ci(config);
    assert.is(r.status, 2, config);
    assert.match(r.stderr, /^strata: --ci-config [^\n]*\n$/, config);
    assert.match(r.stderr, why, config);
    assert.is(r.stdout, '');
  }
  const missing = runStrata(['efficiency', '--ci-config', join(s.scratch, 'nope'), 'dive:1'], { root: s.root });
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /^strata: --ci-config .*nope: .*ENOENT|no such file/);
});

test.run();
