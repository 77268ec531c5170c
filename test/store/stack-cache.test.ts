import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.js';
import { addLayer, readStackIndexes } from '../../src/store/layers.js';
import { withLease } from '../../src/store/lease.js';
import { prune } from '../../src/store/gc.js';
import { makeTar, chunked } from '../import/tar-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'strata-stack-'));
let layerIds: string[] = [];

test('a stack of layers is cached in one file and read back the same', async () => {
  const store = await openStore(root);
  const ids = (layerIds = await withLease(store, async (lease) => {
    const out: string[] = [];
    for (let i = 0; i < 5; i++) out.push((await addLayer(store, chunked(makeTar([{ name: `f${i}`, content: String(i) }])), lease)).diffId);
    return out;
  }));
  readStackIndexes(store, ids);
  assert.is(readdirSync(store.paths.stacks).length, 1);
  // In a fresh process the indexes come from the cache file, one line per layer, in order.
  assert.equal(inFreshProcess(ids), ['/f0', '/f1', '/f2', '/f3', '/f4']);
  const [cache] = readdirSync(store.paths.stacks);
  assert.is(readFileSync(join(store.paths.stacks, cache!), 'latin1').split('\n').length, 5);
});

/** The first file of each layer, as readStackIndexes reports them in a new process. */
function inFreshProcess(ids: string[]): string[] {
  const code = `import { openStore } from './src/store/store.ts'; import { readStackIndexes } from './src/store/layers.ts';
    const store = await openStore(${JSON.stringify(root)});
    console.log(JSON.stringify(readStackIndexes(store, ${JSON.stringify(ids)}).map((ix) => [...ix.entries.keys()].find((p) => p.startsWith('/f')))));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code]).toString());
}

test('a damaged cache is ignored, and a collection that removes layers drops the caches', async () => {
  const store = await openStore(root);
  const [cache] = readdirSync(store.paths.stacks);
  writeFileSync(join(store.paths.stacks, cache!), 'garbage');
  assert.equal(inFreshProcess(layerIds), ['/f0', '/f1', '/f2', '/f3', '/f4']);
  await prune(store); // no image uses these layers: they all go
  assert.not.ok(existsSync(store.paths.stacks));
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
