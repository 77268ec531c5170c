import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BytePath } from '../../src/base/byte-path.js';
import { changesAt } from '../../tui/data/changes.js';
import { buildFileTree, buildPathTree } from '../../tui/data/file-tree-model.js';
import { fileTreeReducer, initialFileTree, selectedNode, treeWindow, type FileTreeAction, type FileTreeState } from '../../tui/widgets/file-tree/use-file-tree-state.js';
import { demoModel } from './helpers/demo-image.js';

const model = demoModel();
const tree = (layer: number) => buildFileTree(model.viewAt(layer), changesAt(model, layer, 'layer'));
const run = (state: FileTreeState, ...actions: FileTreeAction[]) => actions.reduce(fileTreeReducer, state);
const shown = (s: FileTreeState) => s.visible.map((i) => s.model.nodes[i]!.path);
const at = (s: FileTreeState) => selectedNode(s)?.path;
const down = (n: number, height = 10): FileTreeAction[] => Array.from({ length: n }, () => ({ type: 'move', move: 'down', height }));

test('starts unfolded, the cursor on the first entry', () => {
  const s = initialFileTree(tree(1));
  assert.is(s.visible.length, 10);
  assert.is(at(s), '/bin');
});

test('move: down, end, home, pages; the window follows the cursor', () => {
  const s0 = initialFileTree(tree(1));
  assert.is(at(run(s0, ...down(2))), '/etc');
  const end = run(s0, { type: 'move', move: 'end', height: 4 });
  assert.is(at(end), '/var/cache/a');
  assert.equal(treeWindow(end, 4), { top: 6, cursor: 9 });
  assert.is(at(run(end, { type: 'move', move: 'home', height: 4 })), '/bin');
  assert.is(run(s0, { type: 'move', move: 'pageDown', height: 4 }).cursor, 3);
  assert.is(run(s0, { type: 'move', move: 'up', height: 4 }), s0, 'no change, same state');
});

test('toggleFold: Space folds the directory under the cursor and unfolds it again', () => {
  const s = run(initialFileTree(tree(1)), ...down(2), { type: 'toggleFold' });
  assert.equal(shown(s), ['/bin', '/bin/sh', '/etc', '/opt', '/opt/app', '/var', '/var/cache', '/var/cache/a']);
  assert.is(at(s), '/etc');
  assert.is(run(s, { type: 'toggleFold' }).visible.length, 10);
});

test('collapse: folds an open directory, else goes to the parent; expand unfolds', () => {
  const s = run(initialFileTree(tree(1)), ...down(4), { type: 'collapse' });
  assert.is(at(s), '/etc');
  const folded = run(s, { type: 'collapse' });
  assert.ok(folded.collapsed.has('/etc' as never));
  assert.is(run(folded, { type: 'expand' }).visible.length, 10);
});

test('toggleAll: folds every directory (the cursor moves to its shown ancestor), then unfolds all', () => {
  const s = run(initialFileTree(tree(1)), ...down(9), { type: 'toggleAll' });
  assert.equal(shown(s), ['/bin', '/etc', '/opt', '/var']);
  assert.is(at(s), '/var');
  assert.is(run(s, { type: 'toggleAll' }).visible.length, 10);
});

test('toggleChangedOnly: only marked entries and their parents', () => {
  const s = run(initialFileTree(tree(1)), { type: 'toggleChangedOnly' });
  assert.equal(shown(s), ['/etc', '/etc/hosts', '/etc/passwd', '/opt', '/opt/app']);
});

test('setFilter: narrows to matching paths with their parents, folds ignored, case-insensitive', () => {
  const folded = run(initialFileTree(tree(1)), { type: 'toggleAll' });
  const s = run(folded, { type: 'setFilter', filter: 'PASS' });
  assert.equal(shown(s), ['/etc', '/etc/passwd']);
  assert.equal(shown(run(s, { type: 'setFilter', filter: 'zzz' })), []);
  assert.equal(shown(run(s, { type: 'setFilter', filter: '' })), ['/bin', '/etc', '/opt', '/var']);
});

test('setFilter: typed as shown, \\xNN is a byte, \\\\ a backslash; a half-typed escape matches as text', () => {
  const names = buildPathTree(['/etc/caf\xe9', '/etc/caf\\xe9', '/etc/a\\b'].map((path) => ({ path: path as BytePath, mark: 'A' as const })));
  const s = initialFileTree(names);
  assert.equal(shown(run(s, { type: 'setFilter', filter: 'caf\\xe9' })), ['/etc', '/etc/caf\xe9']);
  assert.equal(shown(run(s, { type: 'setFilter', filter: 'caf\\\\xe9' })), ['/etc', '/etc/caf\\xe9']);
  assert.equal(shown(run(s, { type: 'setFilter', filter: 'caf\\x' })), ['/etc', '/etc/caf\\xe9']);
  assert.equal(shown(run(s, { type: 'setFilter', filter: 'a\\\\b' })), ['/etc', '/etc/a\\b']);
});

test('setModel: another layer keeps folds, filter and the cursor on the same path', () => {
  const s = run(initialFileTree(tree(1)), ...down(5), { type: 'setModel', model: tree(2) });
  assert.is(at(s), '/opt');
  assert.is(selectedNode(s)!.mark, undefined);
  const gone = run(initialFileTree(tree(1)), ...down(3), { type: 'setModel', model: tree(0) });
  assert.is(gone.cursor, 3, 'a path no longer there: the row index is kept');
});

test('a tree of 10,000 entries: a move costs no recomputation of the rows', () => {
  const big = { nodes: Array.from({ length: 10_000 }, (_, i) => ({ ...tree(0).nodes[1]!, path: `/f${i}` as never, parent: -1, end: i + 1, depth: 0 })), marked: 0 };
  const s = initialFileTree(big);
  const moved = run(s, ...down(1));
  assert.is(moved.visible, s.visible);
});

test.run();
