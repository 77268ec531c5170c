// A layer's index read back from the store: names are bytes (UTF-8 or not), and they must come
// back exactly, from the layer's index.json and from the stack cache alike. Each read runs in a
// fresh process, so nothing comes from the in-memory cache of what was parsed before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addLayer } from '../../src/store/layers.js';
import { withLease } from '../../src/store/lease.js';
import { openStore } from '../../src/store/store.js';
import { chunked, makeTar } from '../import/tar-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'strata-index-file-'));
/** Tar names are byte strings: UTF-8 é, a lone 0xff, a Latin-1 é, a C1 control byte. */
const NAMES = ['caf\xc3\xa9', 'bad\xff', 'latin\xe9', 'c1\x85'];

/** Each layer's paths other than the root, as `readStackIndexes` gives them in a new process, as
 * byte strings in hex. */
function pathsInFreshProcess(ids: string[]): string[][] {
  const code = `import { openStore } from './src/store/store.ts'; import { readStackIndexes } from './src/store/layers.ts';
    const store = await openStore(${JSON.stringify(root)});
    const hex = (p) => Buffer.from(p, 'latin1').toString('hex');
    console.log(JSON.stringify(readStackIndexes(store, ${JSON.stringify(ids)}).map((ix) => [...ix.entries.keys()].map(hex).sort())));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code]).toString()) as string[][];
  return out.map((paths) => paths.map((h) => Buffer.from(h, 'hex').toString('latin1')));
}

test('names with bytes above 0x7f read back exactly, from index.json and from the stack cache', async () => {
  const store = await openStore(root);
  const ids = await withLease(store, async (lease) => [
    (await addLayer(store, chunked(makeTar(NAMES.map((name) => ({ name, content: name })))), lease)).diffId,
    (await addLayer(store, chunked(makeTar([{ name: 'd\xfe', type: 'dir' }, { name: 'd\xfe/f\x80' }])), lease)).diffId,
  ]);
  const want = [NAMES.map((n) => `/${n}`).sort(), ['/d\xfe', '/d\xfe/f\x80']];
  // One layer alone is read from its index.json.
  assert.equal(pathsInFreshProcess([ids[0]!]), [want[0]]);
  // The first read of the stack writes its cache; the second reads the layers from it.
  assert.equal(pathsInFreshProcess(ids), want);
  assert.is(readdirSync(store.paths.stacks).length, 1);
  assert.equal(pathsInFreshProcess(ids), want);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
