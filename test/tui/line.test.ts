import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { legendLine, treeRow } from '../../tui/widgets/file-tree/tree-row.js';
import { counted, fit, fitLine, fitRight, wrapLine } from '../../tui/widgets/line/line.js';
import { colorOf, themeFor } from '../../tui/widgets/line/theme.js';
import { changesAt } from '../../tui/data/changes.js';
import { buildFileTree, sortedBySize } from '../../tui/data/file-tree-model.js';
import { demoModel } from './helpers/demo-image.js';
import { progressText } from '../../tui/screens/progress-bar.js';

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
  // A directory's size is what is under it.
  assert.is(row('/etc'), 'M    120B  ▾ etc/');
  assert.is(row('/etc', true), 'M    120B  ▸ etc/');
  assert.is(row('/etc/passwd'), 'M    120B      passwd');
  assert.is(row('/etc/hosts'), 'R     20B      hosts');
  assert.is(row('/bin/sh'), '               sh -> busybox');
  assert.is(text(legendLine()), 'A added  M modified  R removed');
});

test("sortedBySize: each directory's entries largest first, names among equals; parents and ends renumbered", () => {
  const model = demoModel();
  const tree = buildFileTree(model.viewAt(2), changesAt(model, 2, 'all'));
  const sorted = sortedBySize(tree);
  const order = (t: typeof tree) => t.nodes.map((n) => `${n.path} ${n.size}`);
  assert.equal(order(sorted), [
    '/opt 300', '/opt/app 300', '/etc 120', '/etc/passwd 120', '/etc/hosts 0', '/var 10', '/var/cache 10', '/var/cache/b 10',
    '/var/cache/a 0', '/bin 0', '/bin/sh 0',
  ]);
  for (const [i, n] of sorted.nodes.entries()) {
    if (n.parent >= 0) assert.ok(sorted.nodes[n.parent]!.end >= n.end && n.path.startsWith(`${sorted.nodes[n.parent]!.path}/`), n.path);
    assert.ok(n.end > i);
  }
  assert.is(sorted.nodes.length, tree.nodes.length);
});

test('wrapLine: a row too long for its width goes on under itself; counted: singular and plural', () => {
  assert.equal(wrapLine([{ text: 'M  ' }, { text: 'abcdefghij', tone: 'added' }], 8, 3).map(text), ['M  abcde', '   fghij']);
  assert.equal(wrapLine([{ text: 'short' }], 8, 3).map(text), ['short']);
  assert.is(counted(1, 'path'), '1 path');
  assert.is(counted(0, 'path'), '0 paths');
  assert.is(counted(2, 'entry', 'entries'), '2 entries');
  assert.is(progressText({ bytes: 2000, total: undefined, entries: 1 }), '2kB read · 1 entry');
  assert.is(progressText({ bytes: 2000, total: 4000, entries: 1200 }), '2kB of 4kB · 1,200 entries');
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
