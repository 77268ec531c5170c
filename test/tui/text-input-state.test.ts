import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { completePath } from '../../tui/data/path-completion.js';
import { textInputKeysOf } from '../../tui/widgets/text-input/use-text-input.js';
import { commonPrefix, textInputReducer, textInputStart, type TextInputAction } from '../../tui/widgets/text-input/use-text-input-state.js';

const run = (value: string, ...actions: TextInputAction[]) => actions.reduce(textInputReducer, textInputStart(value));

test('textInputReducer: insert and delete at the cursor', () => {
  assert.equal(run('ac', { type: 'left' }, { type: 'insert', text: 'b' }), { value: 'abc', cursor: 2, candidates: [] });
  assert.equal(run('abc', { type: 'backspace' }), { value: 'ab', cursor: 2, candidates: [] });
  assert.equal(run('abc', { type: 'home' }, { type: 'delete' }), { value: 'bc', cursor: 0, candidates: [] });
  assert.equal(run('abc', { type: 'home' }, { type: 'backspace' }).value, 'abc');
  assert.is(run('abc', { type: 'home' }, { type: 'end' }).cursor, 3);
});

test('completed: one match replaces, several extend to their common prefix and are listed, none changes nothing', () => {
  assert.equal(run('/tm', { type: 'completed', matches: ['/tmp/'] }), { value: '/tmp/', cursor: 5, candidates: [] });
  assert.equal(run('/r', { type: 'completed', matches: ['/root/', '/run/'] }), { value: '/r', cursor: 2, candidates: ['/root/', '/run/'] });
  assert.equal(run('a', { type: 'completed', matches: ['abc.tar', 'abd.tar'] }).value, 'ab');
  assert.equal(run('x', { type: 'completed', matches: [] }).value, 'x');
  assert.is(commonPrefix(['rootfs.tar', 'rootfs.tar.gz']), 'rootfs.tar');
});

test('completePath: entries of the typed directory, directories with a slash, dot files when asked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-tui-'));
  try {
    mkdirSync(join(dir, 'images'));
    writeFileSync(join(dir, 'image.tar'), '');
    writeFileSync(join(dir, '.hidden.tar'), '');
    assert.equal(completePath(`${dir}/ima`), [`${dir}/image.tar`, `${dir}/images/`]);
    assert.equal(completePath(`${dir}/.h`), [`${dir}/.hidden.tar`]);
    assert.equal(completePath('ima', dir), ['image.tar', 'images/']);
    assert.equal(completePath(`${dir}/nope/x`), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});


const plain = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
} as Parameters<typeof textInputKeysOf>[1];

test('textInputKeysOf: a chunk ending in Enter (pasted, or typed within one frame) inserts, then submits', () => {
  assert.equal(textInputKeysOf('snap:1\r', plain), [{ type: 'insert', text: 'snap:1' }, 'submit']);
  assert.equal(textInputKeysOf('\r', { ...plain, return: true }), ['submit']);
  assert.equal(textInputKeysOf('x', plain), [{ type: 'insert', text: 'x' }]);
});

test('textInputKeysOf: control characters are never inserted (they would move the cursor)', () => {
  assert.equal(textInputKeysOf('a\u0007b\u001b', plain), [{ type: 'insert', text: 'ab' }]);
  assert.equal(textInputKeysOf('\u0007', plain), []);
});

test.run();
