import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bufferOf, bytesOfUserString, displayPath, escapePath, normalizePath, parentOf, baseName, joinPath, ROOT, unescapePath } from '../../src/base/byte-path.js';

const bytes = (...b: number[]) => Buffer.from(b).toString('latin1');

test('bytesOfUserString keeps UTF-8 bytes one char per byte', () => {
  const p = bytesOfUserString('/é');
  assert.is(p.length, 3);
  assert.equal([...bufferOf(p)], [0x2f, 0xc3, 0xa9]);
});

test('displayPath decodes valid UTF-8 and escapes invalid bytes', () => {
  assert.is(displayPath(bytesOfUserString('/etc/café')), '/etc/café');
  assert.is(displayPath(bytes(0x2f, 0x61, 0xff, 0x62)), '/a\\xffb');
});

test('escapePath: the raw byte 0xE9 and the four characters \\xe9 read differently', () => {
  const raw = bytes(0x2f, 0x61, 0xe9);
  const fourChars = bytesOfUserString('/a\\xe9');
  assert.is(escapePath(raw), '/a\\xe9');
  assert.is(escapePath(fourChars), '/a\\\\xe9');
  assert.is.not(escapePath(raw), escapePath(fourChars));
});

test('escapePath keeps valid UTF-8 (U+FFFD, 4-byte forms) and escapes what is not UTF-8', () => {
  assert.is(escapePath(bytesOfUserString('/é\uFFFD😀')), '/é\uFFFD😀');
  // Overlong "/" (C0 AF), a surrogate (ED A0 80), above U+10FFFF (F4 90 80 80), a cut sequence.
  assert.is(escapePath(bytes(0xc0, 0xaf)), '\\xc0\\xaf');
  assert.is(escapePath(bytes(0xed, 0xa0, 0x80)), '\\xed\\xa0\\x80');
  assert.is(escapePath(bytes(0xf4, 0x90, 0x80, 0x80)), '\\xf4\\x90\\x80\\x80');
  assert.is(escapePath(bytes(0x61, 0xc3)), 'a\\xc3');
  // Controls stay: JSON escapes them, a terminal gets displayPath.
  assert.is(escapePath('a\x1bb'), 'a\x1bb');
});

test('unescapePath gives back the bytes of every escapePath form', () => {
  const samples = [
    bytes(0x2f, 0x61, 0xe9), bytesOfUserString('/a\\xe9'), bytesOfUserString('/a\\\\b\\'), bytesOfUserString('/é/😀'),
    bytes(0xc0, 0xaf, 0x5c, 0x78, 0x41, 0x41), 'etc/\x1b]2;PWNED\x07evil', bytes(0xc2, 0x9b, 0x7f, 0x00, 0xff),
  ];
  for (let b = 0; b < 256; b++) samples.push(bytes(b), bytes(0x5c, b), bytes(b, 0x78, 0x30, 0x30));
  for (const s of samples) {
    assert.is(unescapePath(escapePath(s)), s, JSON.stringify(s));
    assert.is(unescapePath(displayPath(s)), s, JSON.stringify(s));
  }
});

test('unescapePath: \\xNN in either case, \\\\ a backslash, any other backslash refused', () => {
  assert.is(unescapePath('/a\\xE9\\xe9'), bytes(0x2f, 0x61, 0xe9, 0xe9));
  assert.is(unescapePath('C:\\\\dir'), 'C:\\dir');
  assert.is(unescapePath('/etc/café'), bytesOfUserString('/etc/café'));
  for (const bad of ['a\\b', 'a\\', '\\x4', '\\xg0', '\\u00e9']) {
    assert.throws(() => unescapePath(bad), /a backslash is written \\\\ and \\xNN is the byte NN/, bad);
  }
});

test('displayPath escapes control characters as \\xNN, C1 as its two UTF-8 bytes', () => {
  assert.is(displayPath('/etc/\x1b]2;PWNED\x07evil'), '/etc/\\x1b]2;PWNED\\x07evil');
  assert.is(displayPath('/a\nb\tc\x7f'), '/a\\x0ab\\x09c\\x7f');
  assert.is(displayPath(bytes(0x2f, 0xc2, 0x9b, 0x32, 0x4a)), '/\\xc2\\x9b2J');
  assert.is(displayPath('/a\\b'), '/a\\\\b');
});

test('normalizePath clamps at root and drops dots', () => {
  assert.is(normalizePath('//a/./b/../../..//c/'), '/c');
  assert.is(normalizePath(''), '/');
});

test('parentOf, baseName, joinPath', () => {
  assert.is(parentOf(normalizePath('/a/b')), '/a');
  assert.is(parentOf(normalizePath('/a')), '/');
  assert.is(parentOf(ROOT), '/');
  assert.is(baseName(normalizePath('/a/b')), 'b');
  assert.is(joinPath(ROOT, 'x'), '/x');
  assert.is(joinPath(normalizePath('/x'), 'y'), '/x/y');
});

test.run();
