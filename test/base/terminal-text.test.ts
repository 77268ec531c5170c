import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { terminalText } from '../../src/base/terminal-text.js';

test('terminalText leaves printable text alone, backslashes and non-ASCII included', () => {
  for (const text of ['', 'RUN apt-get install -y curl', 'café 😀 日本', 'C:\\dir \\x1b', '\u00a0\u2028']) assert.is(terminalText(text), text);
});

test('terminalText escapes OSC and CSI sequences: no ESC or BEL is left', () => {
  assert.is(terminalText('etc/\x1b]2;PWNED\x07evil'), 'etc/\\x1b]2;PWNED\\x07evil');
  assert.is(terminalText('\x1b[2J\x1b[31mred'), '\\x1b[2J\\x1b[31mred');
  assert.is(terminalText('\x1b]52;c;cHduZWQ=\x1b\\'), '\\x1b]52;c;cHduZWQ=\\x1b\\');
});

test('terminalText escapes every C0 control, DEL and every C1 control', () => {
  for (let c = 0; c < 0x20; c++) assert.is(terminalText(String.fromCharCode(c)), `\\x${c.toString(16).padStart(2, '0')}`);
  assert.is(terminalText('\x7f'), '\\x7f');
  assert.is(terminalText('a\nb\tc\rd'), 'a\\x0ab\\x09c\\x0dd');
  // C1 as the two bytes of its UTF-8 form: U+0080 is C2 80, U+009B (CSI) C2 9B, U+009F C2 9F.
  assert.is(terminalText('\u0080\u009b\u009f'), '\\xc2\\x80\\xc2\\x9b\\xc2\\x9f');
  for (let c = 0; c < 0xa0; c++) assert.not.match(terminalText(String.fromCharCode(c)), /[\x00-\x1f\x7f-\x9f]/);
});

test('terminalText is idempotent: escaped text has nothing left to escape', () => {
  const once = terminalText('a\x1b[31m\u009b\x00');
  assert.is(terminalText(once), once);
});

test.run();
