// diffStacks against the brute force: both views built whole (View.of) and compared path by path
// with the same rules, over random and irregular stacks split into a shared part and two different
// tops. diffStacks reads the shared part only through typeOf and pathsUnder: whatever it leaves
// out of its walk must be a path where nothing differs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, parentOf, type BytePath } from '../../src/base/byte-path.js';
import type { LayerIndex } from '../../src/base/layer-index.js';
import { sameDirIn, type DiffEntry, type DiffKind } from '../../src/resolver/diff.js';
import { encodePathTable, PathTable } from '../../src/resolver/path-table.js';
import { diffStacks } from '../../src/resolver/stack-diff.js';
import { View } from '../../src/resolver/view.js';
import { irregularStack, modelIndex, randomStack } from '../helpers/overlay-model.js';

const lines = (entries: readonly DiffEntry[]) => entries.map((e) => `${e.kind} ${e.path}`);

function bruteForce(shared: readonly LayerIndex[], first: readonly LayerIndex[], second: readonly LayerIndex[]): string[] {
  const base = View.of(shared);
  const a = View.of([...shared, ...first]);
  const b = View.of([...shared, ...second]);
  const same = sameDirIn(base);
  const fromShared = (v: View, path: BytePath) => {
    const r = v.lookup(path)!;
    return r.layer < shared.length;
  };
  const kinds = new Map<BytePath, DiffKind>();
  const paths = new Set([...a.walk(), ...b.walk()].map((r) => r.path));
  paths.delete(ROOT);
  for (const path of paths) {
    const ra = a.lookup(path);
    const rb = b.lookup(path);
    if (!ra) kinds.set(path, 'A');
    else if (!rb) kinds.set(path, 'D');
    else {
      const sa = fromShared(a, path);
      const sb = fromShared(b, path);
      if (sa && sb) continue;
      const ea = ra.entry;
      const eb = rb.entry;
      if (!sa && !sb) {
        if (ra.implied || rb.implied) {
          if ((ra.implied ? 'dir' : ea.type) !== (rb.implied ? 'dir' : eb.type)) kinds.set(path, 'C');
          continue;
        }
        const equal = ea.type === eb.type && ea.mode === eb.mode && ea.uid === eb.uid && ea.gid === eb.gid && ea.size === eb.size
          && ea.digest === eb.digest && ea.linkTarget === eb.linkTarget && ea.hardlinkOf === eb.hardlinkOf
          && ea.devMajor === eb.devMajor && ea.devMinor === eb.devMinor && (ea.type === 'dir' || ea.mtime === eb.mtime);
        if (!equal) kinds.set(path, 'C');
        continue;
      }
      const own = sa ? rb : ra;
      const sharedType = (sa ? ra : rb).entry.type;
      if (own.implied) {
        if (sharedType !== 'dir') kinds.set(path, 'C');
        continue;
      }
      if (!(own.entry.type === 'dir' && sharedType === 'dir' && same(path, own.entry))) kinds.set(path, 'C');
    }
  }
  for (const [path, kind] of [...kinds]) {
    if (kind === 'C') continue;
    for (let dir = parentOf(path); dir !== ROOT; dir = parentOf(dir)) if (!kinds.has(dir)) kinds.set(dir, 'C');
  }
  return [...kinds].sort(([x], [y]) => (x < y ? -1 : 1)).map(([p, k]) => `${k} ${p}`);
}

const stacks = [
  ...Array.from({ length: 200 }, (_, i) => randomStack(i + 1).map((l) => modelIndex(l))),
  ...Array.from({ length: 200 }, (_, i) => irregularStack(i + 1)),
];

test('diffStacks lists what the whole views say, reading the shared layers only through their path table', () => {
  let compared = 0;
  for (let i = 0; i + 1 < stacks.length; i += 2) {
    const one = stacks[i]!;
    const two = stacks[i + 1]!;
    for (let split = 0; split < one.length; split++) {
      const shared = one.slice(0, split);
      const first = one.slice(split);
      const second = two.slice(Math.min(split, two.length - 1));
      const table = PathTable.decode(encodePathTable(View.of(shared)))!;
      const got = lines(diffStacks(table, first, second, sameDirIn(View.of(shared))));
      assert.equal(got, bruteForce(shared, first, second), `stack ${i}, split ${split}`);
      compared++;
    }
  }
  assert.ok(compared > 300);
});

test('a stack against itself: nothing', () => {
  const s = stacks[3]!;
  const table = PathTable.decode(encodePathTable(View.of(s.slice(0, 1))))!;
  assert.equal(diffStacks(table, s.slice(1), s.slice(1), sameDirIn(View.of(s.slice(0, 1)))), []);
});

test.run();
