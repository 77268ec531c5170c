// The file tree widget by exact frames: a name too long for its row wraps on the selected row,
// indented under itself, so it can be read whole; other rows are cut with "…"; the window gives up
// rows at its top so that the wrapped selection stays whole on screen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import type { BytePath } from '../../src/base/byte-path.js';
import { buildPathTree } from '../../tui/data/file-tree-model.js';
import { FileTree } from '../../tui/widgets/file-tree/file-tree.js';
import { fileTreeReducer, initialFileTree, type FileTreeState } from '../../tui/widgets/file-tree/use-file-tree-state.js';

const LONG = 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4';
const model = buildPathTree([
  { path: '/var/lib/apt/lists/lock' as BytePath, mark: 'A' },
  { path: `/var/lib/apt/lists/${LONG}` as BytePath, mark: 'A' },
  { path: '/var/lib/apt/lists/partial' as BytePath, mark: 'A' },
]);

function frame(state: FileTreeState, width: number, height: number): string {
  const r = render(createElement(FileTree, { state, width, height, focused: true }));
  const text = (r.lastFrame() ?? '').split('\n').map((l) => l.trimEnd()).join('\n');
  r.unmount();
  return text;
}

const down = (state: FileTreeState, n: number) => {
  for (let i = 0; i < n; i++) state = fileTreeReducer(state, { type: 'move', move: 'down', height: 5 });
  return state;
};

const HEAD = ['           ▾ var/', '             ▾ lib/', '               ▾ apt/', '                 ▾ lists/'];

test('a long name is cut on other rows and wraps, whole, on the selected one', () => {
  const start = initialFileTree(model);
  // The cursor on lists/: the long name is one row, cut.
  assert.is(frame(down(start, 3), 50, 8), [
    ...HEAD,
    'A                    deb.debian.org_debian_dists_…',
    'A                    lock',
    'A                    partial',
    '',
  ].join('\n'));
  // On the long name: all of it, under its first letter.
  assert.is(frame(down(start, 4), 50, 8), [
    ...HEAD,
    'A                    deb.debian.org_debian_dists_b',
    '                     ookworm_main_binary-amd64_Pac',
    '                     kages.lz4',
    'A                    lock',
  ].join('\n'));
});

test('the window drops rows at its top so the wrapped selection is whole', () => {
  assert.is(frame(down(initialFileTree(model), 4), 50, 4), [
    '                 ▾ lists/',
    'A                    deb.debian.org_debian_dists_b',
    '                     ookworm_main_binary-amd64_Pac',
    '                     kages.lz4',
  ].join('\n'));
});

test.run();
