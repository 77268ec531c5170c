// Variable expansion, checked against what BuildKit's shell lexer gives (its lex_test.go cases and
// envVarTest file, rewritten here), so a Dockerfile's words mean here what they mean to docker build.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandWord } from '../../src/build/expand/shell-lex.js';

const env: Record<string, string> = { PWD: '/home', SHELL: 'bash', FOO: 'foo', EMPTY: '', PATH: '/usr/local/bin:/usr/bin', FILE: 'archive.tar.gz' };
const get = (n: string) => env[n];
const word = (t: string, e = '\\') => expandWord(t, get, { escape: e }).word;

test('plain references and braces', () => {
  assert.is(word('$PWD'), '/home');
  assert.is(word('${PWD}x'), '/homex');
  assert.is(word('$PWDx'), '');
  assert.is(word('a$'), 'a$');
  assert.is(word('$1abc'), 'abc');
});

test('defaults and alternatives, with and without the colon', () => {
  assert.is(word('${UNSET:-d}'), 'd');
  assert.is(word('${EMPTY:-d}'), 'd');
  assert.is(word('${EMPTY-d}'), '');
  assert.is(word('${FOO:-d}'), 'foo');
  assert.is(word('${FOO:+alt}'), 'alt');
  assert.is(word('${EMPTY:+alt}'), '');
  assert.is(word('${EMPTY+alt}'), 'alt');
  assert.is(word('${UNSET+alt}'), '');
  assert.is(word('${UNSET:-$FOO/x}'), 'foo/x');
});

test('required values fail with the message', () => {
  assert.throws(() => word('${UNSET:?need it}'), /UNSET: need it/);
  assert.throws(() => word('${EMPTY:?}'), /EMPTY: is not allowed to be empty/);
  assert.is(word('${EMPTY?}'), '');
});

test('quotes and escapes', () => {
  assert.is(word("'$FOO'"), '$FOO');
  assert.is(word('"$FOO bar"'), 'foo bar');
  assert.is(word('\\$FOO'), '$FOO');
  assert.is(word('"\\$FOO \\a"'), '$FOO \\a');
  assert.is(word('a\\ b'), 'a b');
  assert.is(word('`$FOO', '`'), '$FOO');
  assert.throws(() => word('"open'), /matching double-quote/);
  assert.throws(() => word("'open"), /matching single-quote/);
});

test('a heredoc body: quotes are text, $ and escapes still act', () => {
  assert.is(expandWord(`'$FOO' "\\$FOO"`, get, { skipQuotes: true }).word, `'foo' "$FOO"`);
});

test('prefix, suffix and replacement patterns', () => {
  assert.is(word('${FILE%.*}'), 'archive.tar');
  assert.is(word('${FILE%%.*}'), 'archive');
  assert.is(word('${FILE#*.}'), 'tar.gz');
  assert.is(word('${FILE##*.}'), 'gz');
  assert.is(word('${PATH/bin/sbin}'), '/usr/local/sbin:/usr/bin');
  assert.is(word('${PATH//bin/sbin}'), '/usr/local/sbin:/usr/sbin');
});

test('bad substitutions are errors', () => {
  assert.throws(() => word('${}'), /bad substitution/);
  assert.throws(() => word('${FOO'), /missing '}'/);
  assert.throws(() => word('${FOO:%x}'), /unsupported modifier/);
});

test('words split on unquoted white space only, also inside expanded values', () => {
  const e = (n: string) => ({ V: 'a b' })[n];
  assert.equal(expandWord('x "y z" $V', e).words, ['x', 'y z', 'a', 'b']);
  assert.equal(expandWord('"$V"', e).words, ['a b']);
});

test('every name looked up is reported, set or not', () => {
  assert.equal([...expandWord('$A ${B:-x} "$C"', get).used].sort(), ['A', 'B', 'C']);
});

test.run();
