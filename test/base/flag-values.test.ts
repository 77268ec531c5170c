// Flag values as typed: plain decimals only, ranges inclusive, every refusal a usage error that
// names the flag and the value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fraction, nonEmpty, oneOf, positiveDecimal, wholeNumber } from '../../src/base/flag-values.js';

/** [exit status, message] of what `f` throws; undefined when it throws nothing. */
function failureOf(f: () => unknown): [number, string] | undefined {
  try {
    f();
  } catch (err) {
    return [(err as { exitCode: number }).exitCode, (err as Error).message];
  }
  return undefined;
}

test('wholeNumber: plain decimals within the range', () => {
  assert.is(wholeNumber('--n', '0', 0, 5), 0);
  assert.is(wholeNumber('--n', '005', 0, 5), 5);
  for (const text of ['', ' 1', '1 ', '+1', '-1', '1.0', '1e0', '0x1', 'NaN', 'Infinity', '6', '99999999999999999999']) {
    assert.equal(failureOf(() => wholeNumber('--n', text, 0, 5)), [2, `invalid value "${text}" for --n: a whole number from 0 to 5`], text);
  }
  assert.equal(failureOf(() => wholeNumber('--t', 'x', 1, 9, 'whole seconds')), [2, 'invalid value "x" for --t: whole seconds from 1 to 9']);
});

test('positiveDecimal and fraction: an optional fraction, no sign or exponent', () => {
  assert.is(positiveDecimal('--c', '0.5', 2), 0.5);
  assert.is(positiveDecimal('--c', '.5', 2), 0.5);
  assert.is(positiveDecimal('--c', '2.', 2), 2);
  for (const text of ['0', '0.0', '2.01', '-1', '1e0', '.', '', 'abc']) {
    assert.equal(failureOf(() => positiveDecimal('--c', text, 2)), [2, `invalid value "${text}" for --c: a number above 0, at most 2`], text);
  }
  assert.is(fraction('--f', '0'), 0);
  assert.is(fraction('--f', '1'), 1);
  assert.is(fraction('--f', '0.95'), 0.95);
  assert.equal(failureOf(() => fraction('--f', '1.5')), [2, 'invalid value "1.5" for --f: a number from 0 to 1']);
});

test('oneOf and nonEmpty', () => {
  assert.is(oneOf('--net', 'host', ['none', 'host']), 'host');
  assert.equal(failureOf(() => oneOf('--net', 'bridge', ['none', 'host'])), [2, 'invalid value "bridge" for --net: one of none, host']);
  assert.equal(failureOf(() => oneOf('--net', '', ['none', 'host'])), [2, 'invalid value "" for --net: one of none, host']);
  assert.is(nonEmpty('--root', '/s', 'a directory'), '/s');
  assert.equal(failureOf(() => nonEmpty('--root', '', 'a directory')), [2, 'invalid value "" for --root: empty; a directory is needed']);
});

test.run();
