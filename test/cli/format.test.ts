import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { humanSize, jsonText, modeString, nameBytes, shortId, table, timeAgo } from '../../src/cli/format.js';
import { commandText } from '../../src/cli/commands/containers.js';

test('humanSize uses decimal units and three significant digits, like Docker', () => {
  assert.is(humanSize(0), '0B');
  assert.is(humanSize(999), '999B');
  assert.is(humanSize(1000), '1kB');
  assert.is(humanSize(4_263_000), '4.26MB');
  assert.is(humanSize(195_400_000), '195MB');
});

test('timeAgo', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.is(timeAgo('2026-01-01T11:59:30Z', now), '30 seconds ago');
  assert.is(timeAgo('2026-01-01T11:59:00Z', now), 'About a minute ago');
  assert.is(timeAgo('2026-01-01T09:00:00Z', now), '3 hours ago');
  assert.is(timeAgo('2025-12-25T12:00:00Z', now), '7 days ago');
  assert.is(timeAgo(undefined, now), 'N/A');
});

test('shortId, table, modeString', () => {
  assert.is(shortId('sha256:0123456789abcdef0123'), '0123456789ab');
  assert.is(table(['A', 'LONGER'], [['xx', 'y'], ['x', 'zz']]), 'A    LONGER\nxx   y\nx    zz\n');
  assert.is(modeString('dir', 0o1777), 'drwxrwxrwt');
  assert.is(modeString('file', 0o4755), '-rwsr-xr-x');
  assert.is(modeString('file', 0o2644), '-rw-r-Sr--');
  assert.is(modeString('symlink', 0o777), 'lrwxrwxrwx');
});

test('table: control characters in cells escaped, the columns aligned on what is shown', () => {
  assert.is(table(['A', 'B'], [['\x1b]2;x\x07', 'y'], ['ok', 'z']]), `A${' '.repeat(14)}B\n\\x1b]2;x\\x07   y\nok${' '.repeat(13)}z\n`);
});

test('jsonText: DEL and C1 escaped as well as C0, the value unchanged', () => {
  const value = { name: 'a\x1b[31m\x7f\u009b2J\u00e9', n: 1 };
  const text = jsonText(value);
  assert.is(text, '{"name":"a\\u001b[31m\\u007f\\u009b2J\u00e9","n":1}');
  assert.equal(JSON.parse(text), value);
  assert.is(jsonText([value], 2), JSON.stringify([value], null, 2).replace('\x7f', '\\u007f').replace('\u009b', '\\u009b'));
});

test('nameBytes: the exact bytes to a pipe, escaped on a terminal', () => {
  const name = '/etc/\x1b[2Jcaf\xe9';
  assert.equal([...nameBytes(false, name)], [...Buffer.from(name, 'latin1')]);
  assert.is(nameBytes(true, name).toString(), '/etc/\\x1b[2Jcaf\\xe9');
});

test('commandText escapes before cutting: the cut at 20 characters as shown', () => {
  assert.is(commandText(['sh', '-c', '\x1b]2;PWNED\x07']), '"sh -c \\x1b]2;PWNED\\…"');
  assert.is(commandText(['true']), '"true"');
});

test.run();
