import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clampList, listReducer, LIST_START, type ListMove } from '../../tui/widgets/list/use-list-state.js';

const move = (m: ListMove, state = LIST_START, count = 10, height = 4) => listReducer(state, { type: 'move', move: m, count, height });

test('listReducer: moves stop at both ends', () => {
  assert.equal(move('up'), { cursor: 0, top: 0 });
  assert.equal(move('down'), { cursor: 1, top: 0 });
  assert.equal(move('end'), { cursor: 9, top: 6 });
  assert.equal(move('down', { cursor: 9, top: 6 }), { cursor: 9, top: 6 });
  assert.equal(move('home', { cursor: 9, top: 6 }), { cursor: 0, top: 0 });
});

test('listReducer: a page is the height less one row of context', () => {
  assert.equal(move('pageDown'), { cursor: 3, top: 0 });
  assert.equal(move('pageDown', { cursor: 3, top: 0 }), { cursor: 6, top: 3 });
  assert.equal(move('pageUp', { cursor: 6, top: 3 }), { cursor: 3, top: 3 });
});

test('listReducer: select', () => {
  assert.equal(listReducer(LIST_START, { type: 'select', index: 7, count: 10, height: 4 }), { cursor: 7, top: 4 });
});

test('clampList: a shorter list or a taller window (a resize) keeps the cursor on screen, no blank rows', () => {
  assert.equal(clampList({ cursor: 9, top: 6 }, 5, 4), { cursor: 4, top: 1 });
  assert.equal(clampList({ cursor: 9, top: 6 }, 10, 8), { cursor: 9, top: 2 });
  assert.equal(clampList({ cursor: 0, top: 0 }, 0, 4), { cursor: 0, top: 0 });
  const same = { cursor: 2, top: 0 };
  assert.is(clampList(same, 10, 4), same);
});

test.run();
