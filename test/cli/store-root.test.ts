// --root never adopts a directory strata did not make, through dist/strata: a new or empty
// directory becomes a store; a directory with someone else's files in it (a 1777 scratch dir) is
// refused with one line and left exactly as it was; a store that lost its format marker is not
// seeded again over its layers, every command refuses it, and `check` reports it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storeListing } from '../archive/archive-helpers.js';
import { makeTar } from '../import/tar-fixtures.js';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();

/** Every path under `dir` with its mode, size and digest: what "left as it was" compares. */
function listing(dir: string): string[] {
  return [`. ${(statSync(dir).mode & 0o7777).toString(8)}`, ...storeListing(dir)];
}

test('a directory with someone else\'s files in it is refused with one line and left untouched', () => {
  const scratch = join(t.scratch, 'shared-tmp');
  mkdirSync(scratch);
  chmodSync(scratch, 0o1777);
  writeFileSync(join(scratch, 'someone-elses-file'), 'data\n');
  mkdirSync(join(scratch, 'their-dir'));
  // Even beside a file named like the marker of a store being created.
  writeFileSync(join(scratch, 'creating'), '');
  const before = listing(scratch);
  for (const [args, status] of [[['images'], 1], [['run', '--rm', 'busybox', 'true'], 125], [['check'], 1]] as const) {
    const r = runStrata(args, { root: scratch });
    assert.is(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^strata: [^\n]*is not a strata store[^\n]*\n$/);
    assert.equal(listing(scratch), before, `${args.join(' ')} changed the directory`);
  }
});

test('a new directory and an empty one become stores (0700, format marker, busybox)', () => {
  const empty = join(t.scratch, 'empty');
  mkdirSync(empty);
  chmodSync(empty, 0o755);
  for (const root of [empty, join(t.scratch, 'new')]) {
    assert.match(strataOk(['images'], { root }).text, /\nbusybox\s+latest\s/);
    assert.is(statSync(root).mode & 0o777, 0o700);
    assert.is(readFileSync(join(root, 'format'), 'utf8'), 'strata-store 1\n');
    assert.not.ok(existsSync(join(root, 'creating')));
  }
});

test('a store that lost its format marker is not seeded again: commands refuse it, check reports it', () => {
  const root = t.root;
  strataOk(['images'], { root });
  strataOk(['rmi', 'busybox'], { root }); // were it seeded again, busybox would come back
  strataOk(['import', '-', 'one'], { root, input: makeTar([{ name: 'file', content: 'one\n' }]) });
  rmSync(join(root, 'format'));
  const before = listing(root);
  for (const [args, status] of [[['images'], 1], [['run', '--rm', 'one', 'true'], 125]] as const) {
    const r = runStrata(args, { root });
    assert.is(r.status, status, r.stderr);
    assert.match(r.stderr, /^strata: store at [^\n]* has no format marker but holds layers or images; refusing to use it \(run strata check\)\n$/);
  }
  const check = runStrata(['check'], { root });
  assert.is(check.status, 1);
  assert.is(check.stdout.toString(), `${join(root, 'format')}: missing, yet the store holds layers or images (if it is a strata store, write "strata-store 1" into it)\n`);
  assert.equal(listing(root), before, 'nothing seeded, nothing swept');
  // Putting the marker back is all it takes.
  writeFileSync(join(root, 'format'), 'strata-store 1\n');
  assert.not.match(strataOk(['images'], { root }).text, /busybox/);
  assert.is(runStrata(['check'], { root }).status, 0);
});

test('a store whose creation was interrupted is created again', () => {
  const root = join(t.scratch, 'interrupted');
  strataOk(['images'], { root });
  // What a creation killed while seeding leaves: its marker, no format marker.
  rmSync(join(root, 'format'));
  writeFileSync(join(root, 'creating'), '');
  assert.match(strataOk(['images'], { root }).text, /\nbusybox\s+latest\s/);
  assert.ok(existsSync(join(root, 'format')));
  assert.not.ok(existsSync(join(root, 'creating')));
  assert.is(runStrata(['check'], { root }).status, 0);
});

test.run();
