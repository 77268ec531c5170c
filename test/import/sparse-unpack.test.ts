// GNU sparse members unpacked from any chunking of the stream: each region lands at its offset,
// the rest stays a hole, the index has the real size and the digest of the whole file, and the
// tar-split gives back the archive byte for byte — map, extension blocks and regions included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createXXHash128 } from 'hash-wasm';
import { replayLayerTar } from '../../src/import/tar-split.js';
import { run, scratch, unpackBytes } from './tar-fixtures.js';

/** The sparse source: 8 MiB with data at 1 MiB, 3 MB and in the last bytes, holes elsewhere;
 * with old GNU format's four-region header too small for its map (an extension block follows). */
function sparseArchive(dir: string, flags: readonly string[]): { archive: Buffer; content: Buffer } {
  const f = join(dir, 'f');
  run('truncate', ['-s', '8M', f]);
  const content = Buffer.alloc(8 << 20);
  for (const [at, text] of [[1 << 20, 'one'], [3_000_000, 'two'.repeat(5000)], [5 << 20, 'three'], [6 << 20, 'four'], [7 << 20, 'five'], [(8 << 20) - 3, 'end']] as const) {
    run('dd', [`of=${f}`, 'bs=1', `seek=${at}`, 'conv=notrunc', 'status=none'], { input: Buffer.from(text) });
    content.write(text, at, 'latin1');
  }
  return { archive: run('tar', [...flags, '-S', '-cf', '-', '-C', dir, 'f']), content };
}

for (const [label, flags] of [
  ['old GNU', ['--format=gnu']],
  ['PAX 0.0', ['--format=posix', '--sparse-version=0.0']],
  ['PAX 0.1', ['--format=posix', '--sparse-version=0.1']],
  ['PAX 1.0', ['--format=posix', '--sparse-version=1.0']],
] as const) {
  for (const chunk of [7, 512, 1 << 20]) {
    test(`${label} sparse, in chunks of ${chunk} bytes`, async () => {
      const src = scratch();
      const s = scratch();
      try {
        const { archive, content } = sparseArchive(src.outside, flags);
        const { index } = await unpackBytes(archive, s.layer, chunk);
        const file = join(s.layer, 'rootfs', 'f');
        assert.ok(readFileSync(file).equals(content));
        assert.ok(lstatSync(file).blocks * 512 < 1 << 20, `${lstatSync(file).blocks} blocks: the holes are holes`);
        const entry = index.entries.get('/f' as never)!;
        assert.is(entry.size, 8 << 20);
        const xxh = await createXXHash128();
        assert.is(entry.digest, `xxh128:${xxh.update(content).digest('hex')}`);
        const replayed: Buffer[] = [];
        for await (const c of replayLayerTar(s.layer)) replayed.push(c);
        const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
        assert.is(sha(Buffer.concat(replayed)), sha(archive));
      } finally {
        src.cleanup();
        s.cleanup();
      }
    });
  }
}

test('a sparse file replaced by a later entry of the same path is still replayed', async () => {
  const src = scratch();
  const s = scratch();
  try {
    const { archive } = sparseArchive(src.outside, ['--format=gnu']);
    writeFileSync(join(src.outside, 'f'), 'plain');
    const again = run('tar', ['--format=gnu', '-cf', '-', '-C', src.outside, 'f']);
    // The first archive without its end blocks, then the second.
    const both = Buffer.concat([archive.subarray(0, lastMember(archive)), again]);
    await unpackBytes(both, s.layer, 4096);
    assert.is(readFileSync(join(s.layer, 'rootfs', 'f'), 'utf8'), 'plain');
    const replayed: Buffer[] = [];
    for await (const c of replayLayerTar(s.layer)) replayed.push(c);
    assert.ok(Buffer.concat(replayed).equals(both));
  } finally {
    src.cleanup();
    s.cleanup();
  }
});

/** Where the end-of-archive zero blocks of a tar start. */
function lastMember(tar: Buffer): number {
  let end = tar.length;
  while (end >= 512 && tar.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
  return end;
}

test.run();
