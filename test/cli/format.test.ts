import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonText } from '../../src/base/terminal-text.js';
import { nameBytes, table } from '../../src/cli/format.js';
import { commandText } from '../../src/cli/commands/containers.js';

test('table pads columns with three spaces, like Docker\'s tabwriter', () => {
  assert.is(table(['A', 'LONGER'], [['xx', 'y'], ['x', 'zz']]), 'A    LONGER\nxx   y\nx    zz\n');
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
