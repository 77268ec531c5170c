// A tarball large enough to be hashed on a worker thread while it is unpacked
// (import/hashed-file-reader.ts): the layer's diff_id is still the sha256 of the file, the source
// is remembered under it, and a damaged large tarball fails in one line without hanging.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root, timeoutMs: 120_000 };

function bigTar(): string {
  const src = join(t.scratch, 'src');
  mkdirSync(src, { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(src, `blob${i}`), createHash('sha512').update(String(i)).digest().toString('hex').repeat(120_000));
  const tar = join(t.scratch, 'big.tar');
  execFileSync('tar', ['-cf', tar, '-C', src, '.']);
  return tar;
}

test('a large tarball: its diff_id is its sha256, and a second import reuses the layer', () => {
  const tar = bigTar();
  const bytes = readFileSync(tar);
  assert.ok(bytes.length >= 32 << 20, `${bytes.length} bytes`);
  const id = strataOk(['import', tar, 'big'], opts).text.trim();
  const layers = JSON.parse(strataOk(['inspect', id], opts).text)[0].RootFS.Layers;
  assert.equal(layers, [`sha256:${createHash('sha256').update(bytes).digest('hex')}`]);
  assert.is(strataOk(['import', tar, 'big2'], opts).text.trim(), id);
  assert.is(runStrata(['check'], opts).status, 0);
});

test('a large tarball cut short fails in one line and leaves no image', () => {
  const tar = bigTar();
  truncateSync(tar, (40 << 20) + 100);
  const r = runStrata(['import', tar, 'cut'], opts);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^strata: [^\n]*truncated[^\n]*\n$/);
  assert.is(runStrata(['inspect', 'cut'], opts).status, 1);
});

test.after(() => t.cleanup());
test.run();
