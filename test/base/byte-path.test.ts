import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bufferOf, bytesOfUserString, displayPath, normalizePath, parentOf, baseName, joinPath, ROOT } from '../../src/base/byte-path.js';

test('bytesOfUserString keeps UTF-8 bytes one char per byte', () => {
  const p = bytesOfUserString('/é');
  assert.is(p.length, 3);
  assert.equal([...bufferOf(p)], [0x2f, 0xc3, 0xa9]);
});

test('displayPath decodes valid UTF-8 and escapes invalid bytes', () => {
  assert.is(displayPath(bytesOfUserString('/etc/café')), '/etc/café');
  assert.is(displayPath(Buffer.from([0x2f, 0x61, 0xff, 0x62]).toString('latin1')), '/a\\xffb');
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
