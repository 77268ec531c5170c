// Names that are not UTF-8 stay distinct and can be addressed: a layer holding a name with the raw
// byte 0xE9 and one with the four characters "\xe9" lists them differently in `--json` (the text
// form of byte-path.ts: \xNN a byte that is not UTF-8, \\ a backslash), and `cat`, `ls` and `cp`
// both ways take that form in REF:PATH and CONTAINER:PATH, so every name can be named.

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';
import { writeHostileArchive } from '../helpers/hostile-image.js';

const t = tempStore();
const opts = { root: t.root, timeoutMs: 120_000 };
const ok = (...args: string[]) => strataOk(args, opts);
const jsonLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));

const archive = join(t.scratch, 'hostile.tar');
writeHostileArchive(archive);
ok('load', archive);
ok('run', '--name', 'names', 'hostile:1');

// As typed on a command line: the raw byte written \xe9, the four characters written \\xe9.
const RAW_E9 = '/etc/caf\\xe9';
const FOUR_CHARS = '/etc/caf\\\\xe9';

test('--json: the raw byte 0xE9 and the four characters \\xe9 print differently', () => {
  const names = jsonLines(ok('--json', 'ls', 'hostile:1:/etc').text).map((e) => e.name);
  assert.ok(names.includes('caf\\xe9'), names.join(' '));
  assert.ok(names.includes('caf\\\\xe9'), names.join(' '));
  assert.ok(names.includes('back\\\\slash'), names.join(' '));
  const paths = jsonLines(ok('--json', 'tree', 'hostile:1').text).map((e) => e.path);
  assert.ok(paths.includes(RAW_E9) && paths.includes(FOUR_CHARS));
  assert.is(new Set(paths).size, paths.length, 'no two names print the same');
});

test('cat and ls address each name by its text form; every --json path reads back', () => {
  assert.is(ok('cat', `hostile:1:${RAW_E9}`).text, 'raw byte E9\n');
  assert.is(ok('cat', `hostile:1:${FOUR_CHARS}`).text, 'four characters\n');
  assert.is(ok('cat', 'hostile:1:/etc/back\\\\slash').text, 'a backslash\n');
  assert.is(ok('cat', 'hostile:1:/etc/caf\\xE9').text, 'raw byte E9\n', 'hex digits in either case');
  // To a pipe, ls prints the name's bytes.
  assert.equal([...ok('ls', `hostile:1:${RAW_E9}`).stdout], [...Buffer.from('/etc/caf\xe9\n', 'latin1')]);
  assert.is(ok('ls', `hostile:1:${FOUR_CHARS}`).text, '/etc/caf\\xe9\n');
  for (const e of jsonLines(ok('--json', 'ls', 'hostile:1:/etc').text)) {
    if (e.type === 'file') assert.ok(ok('cat', `hostile:1:${e.path}`).stdout.length > 0, e.path);
  }
  // A name typed as UTF-8 is its UTF-8 bytes: "é" is C3 A9, not the byte E9.
  assert.is(runStrata(['cat', 'hostile:1:/etc/café'], opts).status, 1);
});

test('a backslash that starts no escape is refused with the rule, not guessed at', () => {
  for (const path of ['/etc/back\\slash', '/etc/caf\\xg9', '/etc/x\\']) {
    const r = runStrata(['cat', `hostile:1:${path}`], opts);
    assert.is(r.status, 2, path);
    assert.match(r.stderr, /in a path, a backslash is written \\\\ and \\xNN is the byte NN/);
  }
});

test('cp CTR:PATH HOST copies a non-UTF-8 name out, the host file named by its bytes', () => {
  const out = join(t.scratch, 'out');
  mkdirSync(out);
  ok('cp', `names:${RAW_E9}`, out);
  ok('cp', `names:${FOUR_CHARS}`, out);
  const names = readdirSync(out, { encoding: 'buffer' }).map((n) => n.toString('latin1')).sort();
  assert.equal(names, ['caf\\xe9', 'caf\xe9']);
  assert.is(readFileSync(Buffer.from(join(out, 'caf\xe9'), 'latin1')).toString(), 'raw byte E9\n');
  assert.is(readFileSync(join(out, 'caf\\xe9'), 'utf8'), 'four characters\n');
});

test('cp HOST CTR:PATH writes a non-UTF-8 name; diff --json and cp out give it back', () => {
  const file = join(t.scratch, 'in.txt');
  writeFileSync(file, 'written in\n');
  ok('cp', file, 'names:/tmp/new\\xff');
  ok('cp', file, 'names:/tmp/new\\\\xff');
  const added = jsonLines(ok('--json', 'diff', 'names').text).filter((c) => c.kind === 'A').map((c) => c.path);
  assert.ok(added.includes('/tmp/new\\xff') && added.includes('/tmp/new\\\\xff'), added.join(' '));
  const back = join(t.scratch, 'back');
  ok('cp', 'names:/tmp/new\\xff', back);
  assert.is(readFileSync(back, 'utf8'), 'written in\n');
  assert.is(runStrata(['cp', file, 'names:/tmp/bad\\q'], opts).status, 2);
});

test.after(() => t.cleanup());

test.run();
