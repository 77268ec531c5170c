import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { legendLine, treeRow } from '../../tui/widgets/file-tree/tree-row.js';
import { fit, fitLine, fitRight } from '../../tui/widgets/line/line.js';
import { colorOf, themeFor } from '../../tui/widgets/line/theme.js';
import { changesAt } from '../../tui/data/changes.js';
import { buildFileTree } from '../../tui/data/file-tree-model.js';
import { demoModel } from './helpers/demo-image.js';

const text = (line: readonly { text: string }[]) => line.map((s) => s.text).join('');

test('fit / fitRight: cut with an ellipsis, padded to the width', () => {
  assert.is(fit('abcdef', 4), 'abc…');
  assert.is(fit('ab', 4), 'ab  ');
  assert.is(fitRight('ab', 4), '  ab');
  assert.is(fit('abc', 0), '');
});

test('fitLine: segments kept, the overflow cut at the width with an ellipsis', () => {
  assert.equal(fitLine([{ text: 'ab', tone: 'added' }, { text: 'cdef' }], 4), [{ text: 'ab', tone: 'added' }, { text: 'c…' }]);
  assert.equal(fitLine([{ text: 'ab' }], 4), [{ text: 'ab' }, { text: '  ' }]);
  assert.equal(fitLine([{ text: 'ab' }], 0), []);
});

test('treeRow: mark letter, size, indent, fold glyph, name, link target', () => {
  const model = demoModel();
  const tree = buildFileTree(model.viewAt(1), changesAt(model, 1, 'layer'));
  const row = (path: string, folded = false) => text(treeRow(tree.nodes.find((n) => n.path === path)!, folded));
  assert.is(row('/etc'), 'M          ▾ etc/');
  assert.is(row('/etc', true), 'M          ▸ etc/');
  assert.is(row('/etc/passwd'), 'M    120B      passwd');
  assert.is(row('/etc/hosts'), 'R     20B      hosts');
  assert.is(row('/bin/sh'), '               sh -> busybox');
  assert.is(text(legendLine()), 'A added  M modified  R removed');
});

test('themeFor: colour on a colour terminal unless NO_COLOR is set; tones map to colours only then', () => {
  const colourful = { hasColors: () => true };
  assert.equal(themeFor({}, colourful), { color: true });
  assert.equal(themeFor({ NO_COLOR: '1' }, colourful), { color: false });
  assert.equal(themeFor({ NO_COLOR: '' }, colourful), { color: true });
  assert.equal(themeFor({}, { hasColors: () => false }), { color: false });
  assert.is(colorOf({ color: true }, 'removed'), 'red');
  assert.is(colorOf({ color: false }, 'removed'), undefined);
});

test.run();
