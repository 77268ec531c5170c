// `strata diff` end to end, over a layered image (busybox plus a committed layer with its own
// whiteout), with every kind of change a writable layer holds: a directory replaced by a file and a
// file by a directory, a directory deleted and made again (opaque under overlay), changes under a
// deleted directory, a symlink retargeted and a dangling one added, a path the image's own layer
// had deleted made again, names that are not UTF-8 and names that sort next to "/".
// The first diff of an image builds its view and keeps the stack's path table; later ones read
// only the table (no layer index): each must print exactly the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;
/** diff's output as bytes (one char per byte: names need not be UTF-8). */
const diffOf = (ctr: string) => strataOk(['diff', ctr], opts).stdout.toString('latin1');

const BASE = [
  'mkdir -p /t/dir/sub /t/del/inner /t/gone/deep /t/a "/t/$(printf "d\\351")"',
  'echo f > /t/dir/sub/f; echo f > /t/file; ln -s dir /t/link; echo x > /t/del/inner/x; echo y > /t/gone/deep/y',
  'touch "/t/$(printf "x\\377")" "/t/$(printf "d\\351")/in" /t/a-b /t/a/b',
  'rm /etc/shadow',
].join('\n');

const CHANGES = [
  'rm -rf /t/dir; echo file > /t/dir',
  'rm /t/file; mkdir /t/file; echo in > /t/file/in',
  'rm -rf /t/del; mkdir /t/del; echo new > /t/del/new',
  'rm -rf /t/gone; mkdir -p /t/gone/deep/deeper; echo z > /t/gone/deep/deeper/z',
  'rm /t/link; ln -s file /t/link; ln -s /nowhere /t/dangling',
  'echo w >> /t/a/b; rm /t/a-b',
  'rm "/t/$(printf "x\\377")"; echo n > "/t/$(printf "n\\200\\377")"; echo c > "/t/$(printf "d\\351")/in"',
  'echo s > /etc/shadow',
].join('\n');

/** What both drivers' writable layers make of CHANGES, as podman lists it (cli/diff-podman.test.ts
 * checks the rules against podman itself): a directory made where one was deleted is D, with its new
 * contents listed (overlay makes it opaque; the copy driver sees it born after its stamp); a parent
 * of only C entries whose own metadata is unchanged (/t/a, /t/d\xe9) is not listed. */
const EXPECTED = [
  'C /etc', 'A /etc/shadow', 'C /t', 'D /t/a-b', 'C /t/a/b', 'A /t/dangling', 'D /t/del', 'A /t/del/new',
  'C /t/dir', 'C /t/d\xe9/in', 'D /t/file', 'A /t/file/in', 'D /t/gone', 'C /t/gone/deep',
  'A /t/gone/deep/deeper', 'A /t/gone/deep/deeper/z', 'C /t/link', 'A /t/n\x80\xff', 'D /t/x\xff',
];

ok('run', '--name', 'base', 'busybox', 'sh', '-c', BASE);
ok('commit', 'base', 'tree:1');
const stacks = join(t.root, 'stacks');
const pathTables = () => readdirSync(stacks).filter((n) => n.endsWith('.paths'));

for (const driver of ['overlay', 'copy'] as const) {
  test(`${driver}: every kind of change, listed the same from the image's view and from its path table`, () => {
    const name = `c-${driver}`;
    ok('--driver', driver, 'run', '--name', name, 'tree:1', 'sh', '-c', CHANGES);
    const want = EXPECTED.map((line) => `${line}\n`).join('');
    const tables = pathTables().length;
    assert.is(diffOf(name), want);
    // The copy driver's walk builds the view anyway: its diff uses that, and keeps no table.
    assert.is(pathTables().length, tables + (driver === 'overlay' ? 1 : 0), 'the first overlay diff keeps the table');
    assert.is(diffOf(name), want);
  });
}

test('overlay: diff reads no layer index once the table is there', () => {
  const layers = join(t.root, 'layers');
  const moved = [
    ...readdirSync(layers).map((hex) => join(layers, hex, 'index.json')),
    ...readdirSync(stacks).filter((n) => !n.endsWith('.paths')).map((n) => join(stacks, n)),
  ];
  for (const f of moved) renameSync(f, `${f}.away`);
  try {
    assert.is(diffOf('c-overlay'), EXPECTED.map((line) => `${line}\n`).join(''));
    // What does need the view fails without the indexes: the test above proves something.
    assert.is.not(runStrata(['tree', 'tree:1'], opts).status, 0);
  } finally {
    for (const f of moved) renameSync(`${f}.away`, f);
  }
});

test('overlay: a damaged path table is not believed, and is made again', () => {
  const [table] = pathTables();
  const path = join(stacks, table!);
  const good = readFileSync(path);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 3] ^= 0x01; // a byte of a path near the end
  for (const damaged of [flipped, good.subarray(0, good.length - 1), Buffer.from('garbage')]) {
    writeFileSync(path, damaged);
    assert.is(diffOf('c-overlay'), EXPECTED.map((line) => `${line}\n`).join(''));
    assert.ok(readFileSync(path).equals(good), 'rewritten as it was');
  }
});

test.run();
