// The View (built bottom-up into one map) against a direct top-down reading of the lookup rules,
// path by path, on random stacks, including what no overlayfs lower directory can hold and the
// kernel test therefore never sees: layers that omit parent directories (implied ones), and a
// whiteout next to an entry of the same path in one layer.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, joinPath, parentOf, type BytePath } from '../../src/base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../../src/base/layer-index.js';
import { View } from '../../src/resolver/view.js';
import { impliedDirs, irregularStack } from '../helpers/overlay-model.js';

interface Found {
  readonly layer: number;
  readonly entry: IndexEntry | undefined; // undefined: a directory only implied
}

/** What a layer says about a path: its entry, a whiteout, a directory it only implies, nothing. */
function inLayer(index: LayerIndex, path: BytePath, implied: Set<BytePath>) {
  for (let dir = parentOf(path); dir !== ROOT; dir = parentOf(dir)) {
    const e = index.entries.get(dir);
    if (e !== undefined && e.type !== 'dir') return { entry: undefined, whiteout: false, implied: false };
  }
  return { entry: index.entries.get(path), whiteout: index.whiteouts.has(path), implied: implied.has(path) };
}

/** Top-down: at each component, the layers that hold the parent directory are read from the top;
 * the first with an entry or an implied directory decides (a whiteout first: nothing there); a
 * directory collects the layers below it that hold a directory there too, until one is opaque,
 * whited out, or a non-directory. Its metadata: the topmost listed directory, else implied. */
function referenceLookup(layers: readonly LayerIndex[], implied: readonly Set<BytePath>[], path: BytePath): Found | undefined {
  let contributors: number[] = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    contributors.push(l);
    if (layers[l]!.opaque.has(ROOT)) break;
  }
  let current: Found = { layer: 0, entry: undefined };
  for (let l = layers.length - 1; l >= 0; l--) {
    const root = layers[l]!.entries.get(ROOT);
    if (root?.type === 'dir') {
      current = { layer: l, entry: root };
      break;
    }
  }
  if (path === ROOT) return current;
  let dir: BytePath = ROOT;
  for (const name of path.slice(1).split('/')) {
    if (contributors.length === 0) return undefined; // below a non-directory
    const child = joinPath(dir, name);
    let first: Found | undefined;
    let listedDir: Found | undefined;
    const next: number[] = [];
    for (const l of contributors) {
      const says = inLayer(layers[l]!, child, implied[l]!);
      if (says.entry === undefined && !says.implied) {
        if (says.whiteout) break;
        continue;
      }
      const isDir = says.entry === undefined || says.entry.type === 'dir';
      if (first !== undefined && !isDir) break;
      first ??= { layer: l, entry: says.entry };
      if (!isDir) break;
      next.push(l);
      if (says.entry !== undefined) listedDir ??= { layer: l, entry: says.entry };
      if (says.whiteout || layers[l]!.opaque.has(child)) break;
    }
    if (first === undefined) return undefined;
    current = next.length === 0 ? first : listedDir ?? { layer: next[next.length - 1]!, entry: undefined };
    contributors = next;
    dir = child;
  }
  return current;
}

test('random irregular stacks: every path reads the same from the View and from the top-down rules', () => {
  let implied = 0;
  for (let seed = 1; seed <= 500; seed++) {
    const layers = irregularStack(seed);
    const impliedSets = layers.map(impliedDirs);
    const view = View.of(layers);
    const candidates = new Set<BytePath>(view.walk().map((r) => r.path));
    for (const layer of layers) {
      for (const path of [...layer.entries.keys(), ...layer.whiteouts, ...layer.opaque]) {
        for (let at = path; at !== ROOT; at = parentOf(at)) candidates.add(at);
      }
    }
    for (const path of candidates) {
      const expected = referenceLookup(layers, impliedSets, path);
      const got = view.lookup(path);
      const where = `seed ${seed}, ${path}`;
      if (expected === undefined) {
        assert.is(got, undefined, `${where}: the view has it`);
        continue;
      }
      assert.ok(got, `${where}: the view lacks it`);
      assert.is(got.layer, expected.layer, `${where}: layer`);
      assert.is(got.implied, expected.entry === undefined, `${where}: implied`);
      if (expected.entry !== undefined) assert.is(got.entry, expected.entry, `${where}: entry`);
      if (got.implied) implied++;
    }
  }
  assert.ok(implied > 100, `implied directories met: ${implied}`);
});

test.run();
