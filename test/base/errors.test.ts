// oneLine and printable: every error a user sees is one line of words — a system error's reason,
// never its code; a cause's reason once; nothing unprintable reaching the terminal raw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstatSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { StrataError, UsageError, invalidValue, oneLine, printable } from '../../src/base/errors.js';

/** What `f` throws. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('nothing thrown');
}

const systemError = (code: string, path?: string) => Object.assign(new Error(`${code}: whatever, open '${path}'`), { code, ...(path ? { path } : {}) });

test('oneLine: a system error is its reason in words, with the path it names', () => {
  assert.is(oneLine(systemError('ENOSPC')), 'no space left on device');
  assert.is(oneLine(systemError('ENOENT', '/x/y')), '/x/y: no such file or directory');
  assert.is(oneLine(thrown(() => lstatSync(`/${'a'.repeat(300)}`))), `/${'a'.repeat(300)}: file name too long`);
  assert.is(oneLine(systemError('EDQUOT')), 'disk quota exceeded');
});

test('oneLine: no errno code libuv knows ever shows as a code', () => {
  const codes = new Set(Object.keys(constants.errno));
  for (const [, [code]] of getSystemErrorMap()) {
    const line = oneLine(systemError(code));
    for (const word of line.split(/\W+/)) assert.not.ok(codes.has(word), `${code}: ${line}`);
  }
});

test('oneLine: Node.js\' own codes become words; a path with a NUL byte says so', () => {
  const nul = thrown(() => readFileSync('/tmp/a\0b'));
  assert.is((nul as { code: string }).code, 'ERR_INVALID_ARG_VALUE');
  assert.is(oneLine(nul), 'a name holds a NUL byte');
  assert.is(oneLine(new StrataError('image x is missing from the store', { cause: nul })), 'image x is missing from the store: a name holds a NUL byte');
  const type = thrown(() => readFileSync(undefined as unknown as string));
  assert.is(oneLine(type), 'invalid argument');
});

test('oneLine: a cause\'s reason is added once, its path only when the message lacks it', () => {
  const full = systemError('ENOSPC');
  assert.is(oneLine(new StrataError('cannot write a.tar', { cause: full })), 'cannot write a.tar: no space left on device');
  assert.is(oneLine(new StrataError(`layer x cannot be reproduced: ${oneLine(full)}`, { cause: full })), 'layer x cannot be reproduced: no space left on device');
  assert.is(oneLine(new StrataError('cannot write /d/f', { cause: systemError('ENOENT', '/d/.f.1234.part') })), 'cannot write /d/f: /d/.f.1234.part: no such file or directory');
  assert.is(oneLine(new StrataError('cannot read /d/f', { cause: systemError('EACCES', '/d/f') })), 'cannot read /d/f: permission denied');
  // A cause without a code is the message's own business.
  assert.is(oneLine(new StrataError('bad layer', { cause: new Error('detail') })), 'bad layer');
});

test('oneLine: the message of a plain error, trimmed; anything else as text', () => {
  assert.is(oneLine(new Error('  spaced out\n')), 'spaced out');
  assert.is(oneLine('a string'), 'a string');
});

test('printable: control, format and separator characters escaped; printable text kept', () => {
  assert.is(printable('a\0b'), 'a\\x00b');
  assert.is(printable('\x1b[31mred\x1b[0m'), '\\x1b[31mred\\x1b[0m');
  assert.is(printable('one\ntwo\tthree\r'), 'one\\ntwo\\tthree\\r');
  assert.is(printable('del\x7f c1\u009b'), 'del\\x7f c1\\x9b');
  assert.is(printable('evil\u202etxt.exe zero\u200bwidth line\u2028sep'), 'evil\\u202etxt.exe zero\\u200bwidth line\\u2028sep');
  assert.is(printable('lone \ud800 surrogate'), 'lone \\ud800 surrogate');
  assert.is(printable('café … → 日本 🙂 \ufffd'), 'café … → 日本 🙂 \ufffd');
  // Escaping is idempotent: a message built from an escaped one is not escaped twice.
  const once = printable('x\0y\\x00');
  assert.is(printable(once), once);
});

test('oneLine escapes what it renders, whatever the error', () => {
  assert.is(oneLine(new StrataError('image "a\x1b]0;pwned\x07" not found')), 'image "a\\x1b]0;pwned\\x07" not found');
  assert.is(oneLine(systemError('ENOENT', '/tmp/\x1b[2J')), '/tmp/\\x1b[2J: no such file or directory');
});

test('invalidValue: a usage error naming the flag and the value as typed', () => {
  const err = invalidValue('--timeout', 'abc', 'whole seconds');
  assert.ok(err instanceof UsageError);
  assert.is(err.exitCode, 2);
  assert.is(err.message, 'invalid value "abc" for --timeout: whole seconds');
});

test.run();
