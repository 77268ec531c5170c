// HashedFileReader: the chunks it hands out are the file's bytes in order, the digest its worker
// thread computes is the sha256 of exactly those bytes, and a reader given up early ends cleanly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashedFileReader } from '../../src/import/hashed-file-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-hashed-'));

function fileOf(bytes: Buffer): string {
  const path = join(dir, `f${Math.random()}`);
  writeFileSync(path, bytes);
  return path;
}

for (const [size, slot] of [[0, 512], [1, 512], [4096, 512], [1_000_003, 4096], [3 * 65536, 65536]] as const) {
  test(`${size} bytes in slots of ${slot}: the chunks and the digest are the file's`, async () => {
    const bytes = randomBytes(size);
    const reader = new HashedFileReader(openSync(fileOf(bytes), 'r'), true, slot);
    const seen: Buffer[] = [];
    // Each chunk is checked before the next read: a slot is reused only SLOTS reads later, so
    // keeping a copy is the caller's business.
    for (let c = reader.read(); c !== undefined; c = reader.read()) seen.push(Buffer.from(c));
    assert.ok(Buffer.concat(seen).equals(bytes));
    assert.is(await reader.digest(), `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  });
}

test('the digest is refused before the end; a reader closed early leaves its descriptor to its owner', async () => {
  const path = fileOf(randomBytes(100_000));
  const fd = openSync(path, 'r');
  const reader = new HashedFileReader(fd, false, 4096);
  reader.read();
  assert.ok(reader.read() !== undefined);
  try {
    await reader.digest();
    assert.unreachable('a digest before the end');
  } catch (err) {
    assert.match(String(err), /not been read to its end/);
  }
  reader.close();
  assert.is(reader.read(), undefined);
  closeSync(fd);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
