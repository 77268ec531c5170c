import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { changesAt, removedBy } from '../../tui/data/changes.js';
import { entryDetails } from '../../tui/data/entry-details.js';
import { buildFileTree, buildPathTree, type FileTreeModel } from '../../tui/data/file-tree-model.js';
import { p } from '../helpers/overlay-index.js';
import { DEMO_LAYERS, demoModel } from './helpers/demo-image.js';

const model = demoModel();
const treeAt = (layer: number, scope: 'layer' | 'all') => buildFileTree(model.viewAt(layer), changesAt(model, layer, scope));
const marks = (tree: FileTreeModel) => tree.nodes.filter((n) => n.mark).map((n) => `${n.mark} ${n.path}`);
const node = (tree: FileTreeModel, path: string) => tree.nodes.find((n) => n.path === path)!;

test('changesAt: the base layer adds everything it holds', () => {
  const tree = treeAt(0, 'layer');
  assert.is(tree.nodes.length, 8);
  assert.is(tree.marked, 8);
  assert.ok(tree.nodes.every((n) => n.mark === 'A'));
});

test("changesAt 'layer': docker diff's A/C/D as A/M/R, a whited-out file shown where it was", () => {
  assert.equal(marks(treeAt(1, 'layer')), ['M /etc', 'R /etc/hosts', 'M /etc/passwd', 'A /opt', 'A /opt/app']);
});

test("changesAt 'layer': an opaque directory is modified and what it hid is removed", () => {
  assert.equal(marks(treeAt(2, 'layer')), ['M /var', 'M /var/cache', 'R /var/cache/a', 'A /var/cache/b']);
});

test("changesAt 'all': layers 1..N together over the base layer", () => {
  assert.equal(marks(treeAt(2, 'all')), [
    'M /etc', 'R /etc/hosts', 'M /etc/passwd', 'A /opt', 'A /opt/app', 'M /var', 'M /var/cache', 'R /var/cache/a', 'A /var/cache/b',
  ]);
  assert.equal(marks(treeAt(0, 'all')), marks(treeAt(0, 'layer')));
});

test('buildFileTree: depth-first, names sorted, subtrees delimited by end', () => {
  const tree = treeAt(1, 'layer');
  assert.equal(tree.nodes.map((n) => `${'  '.repeat(n.depth)}${n.name}`), [
    'bin', '  sh', 'etc', '  hosts', '  passwd', 'opt', '  app', 'var', '  cache', '    a',
  ]);
  const etc = node(tree, '/etc');
  assert.is(etc.end, tree.nodes.indexOf(node(tree, '/etc/passwd')) + 1);
  assert.ok(etc.changed);
  assert.not.ok(node(tree, '/bin').changed);
  assert.is(node(tree, '/var/cache/a').parent, tree.nodes.indexOf(node(tree, '/var/cache')));
});

test('buildPathTree: a diff list becomes a tree, missing parents unmarked', () => {
  const tree = buildPathTree([{ path: p('/a/b/c'), mark: 'A' }, { path: p('/a'), mark: 'M' }, { path: p('/z'), mark: 'R' }]);
  assert.equal(tree.nodes.map((n) => `${n.depth} ${n.path} ${n.mark ?? '-'}`), ['0 /a M', '1 /a/b -', '2 /a/b/c A', '0 /z R']);
});

test('removedBy: the layer whose whiteout or opaque directory hid a path', () => {
  assert.is(removedBy(DEMO_LAYERS, p('/etc/hosts'), 2), 1);
  assert.is(removedBy(DEMO_LAYERS, p('/var/cache/a'), 2), 2);
  assert.is(removedBy(DEMO_LAYERS, p('/var/cache/a'), 1), undefined);
});

test('entryDetails: mode, owner, size, layer, what it merges with or replaces; "hidden by layer N" for removed paths', () => {
  const tree = treeAt(1, 'layer');
  assert.equal(entryDetails(model, node(tree, '/etc/passwd'), 1), ['/etc/passwd', '-rw-------  0:42  120B', 'from layer 1, modified', "replaces layer 0's file (100B)"]);
  assert.equal(entryDetails(model, node(tree, '/etc/hosts'), 1), ['/etc/hosts', '-rw-r--r--  0:0  20B', 'hidden by layer 1 (whiteout); was in layer 0']);
  assert.equal(entryDetails(model, node(tree, '/bin/sh'), 1), ['/bin/sh', 'lrwxrwxrwx  0:0  -> busybox', 'from layer 0']);
  const top = treeAt(2, 'layer');
  assert.equal(entryDetails(model, node(top, '/var/cache'), 2), ['/var/cache', 'drwxr-xr-x  0:0', 'from layer 2, modified', "opaque directory: replaces layer 0's directory", '10B under it, 10B of it changed here']);
  // A directory over a directory is merged with it (overlay), not hidden.
  assert.equal(entryDetails(model, node(tree, '/etc'), 1), ['/etc', 'drwxr-xr-x  0:0', 'from layer 1, modified', "merged with layer 0's directory", '120B under it, 120B of it changed here']);
  assert.equal(entryDetails(model, node(top, '/var/cache/a'), 2)[2], 'hidden by layer 2 (opaque directory or whiteout above); was in layer 0');
});

test('imageModelOf: layers with size, cleaned created-by (empty_layer steps skipped), efficiency', () => {
  assert.equal(model.layers.map((l) => [l.index, l.size, l.createdBy, l.empty]), [
    [0, 170, 'ADD file:0123 in /', false],
    [1, 420, 'RUN apt-get install app', false],
    [2, 10, 'RUN rm -rf /var/cache/*', false],
  ]);
  const report = model.efficiency();
  assert.is(report.wastedPaths[0]!.path, '/etc/passwd');
  assert.is(model.viewAt(1), model.viewAt(1));
});

test.run();
