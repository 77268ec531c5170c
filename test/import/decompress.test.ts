import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError, oneLine } from '../../src/base/errors.js';
import { decompressChunks, detectCompression, openTarSource } from '../../src/import/decompress.js';
import { chunked, makeTar, run, sha256 } from './tar-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-decompress-'));
// Content that does not compress away, larger than one 4 MiB read, so the reused read buffer and
// chunk boundaries are exercised.
const noise = Buffer.alloc(6 << 20);
for (let i = 0, x = 12345; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
const plain = makeTar([{ name: 'etc/', type: 'dir' }, { name: 'etc/noise', content: noise }, { name: 'etc/hello', content: 'hello' }]);
const files: Record<string, string> = { none: join(dir, 'layer.tar') };
writeFileSync(files.none!, plain);
for (const [kind, cmd, args] of [['gzip', 'gzip', ['-c']], ['xz', 'xz', ['-c', '-T1']], ['zstd', 'zstd', ['-c', '-q']]] as const) {
  files[kind] = join(dir, `layer.${kind}`);
  writeFileSync(files[kind]!, run(cmd, [...args, files.none!]));
}

async function drain(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, StrataError);
    const line = oneLine(err);
    assert.not.match(line, /\n/);
    return line;
  }
  throw new Error('expected a failure');
}

for (const kind of ['none', 'gzip', 'xz', 'zstd'] as const) {
  test(`openTarSource: ${kind} is detected from its bytes and yields the tar; digests of both sides`, async () => {
    // A misleading name: detection must not look at it.
    const misnamed = join(dir, `misnamed-${kind}.tar.gz`);
    writeFileSync(misnamed, readFileSync(files[kind]!));
    const src = await openTarSource(misnamed);
    assert.is(src.compression, kind);
    assert.throws(() => src.sourceDigest(), /not been read to its end/);
    const out = await drain(src.chunks);
    assert.ok(out.equals(plain));
    const raw = readFileSync(files[kind]!);
    assert.is(src.sourceDigest(), sha256(raw));
    assert.is(src.rawSize(), raw.length);
    assert.is(src.chunks.tarDigest(), sha256(plain));
    assert.is(src.chunks.tarSize(), plain.length);
  });

  test(`decompressChunks: ${kind} from a stream of small chunks`, async () => {
    const stream = decompressChunks(chunked(readFileSync(files[kind]!), 1000));
    const out = await drain(stream);
    assert.ok(out.equals(plain));
    assert.is(stream.compression, kind);
    assert.is(stream.tarDigest(), sha256(plain));
  });
}

test('decompressChunks: the first chunk may be shorter than a header (and reused by its producer)', async () => {
  async function* reusing(): AsyncGenerator<Uint8Array> {
    const buf = Buffer.alloc(100);
    for (let i = 0; i < plain.length; i += 100) {
      const n = plain.copy(buf, 0, i, Math.min(i + 100, plain.length));
      yield buf.subarray(0, n);
    }
  }
  // Only the probe's copies are at stake here: the consumer copies each chunk before the next.
  const out = await drain(decompressChunks(reusing()));
  assert.ok(out.equals(plain));
});

test('openTarSource: "-" reads standard input (a pipe)', () => {
  const script = `
    import { openTarSource } from ${JSON.stringify(fileURLToPath(new URL('../../src/import/decompress.ts', import.meta.url)))};
    const src = await openTarSource('-');
    let n = 0;
    for await (const c of src.chunks) n += c.length;
    console.log(src.compression, n, src.sourceDigest());`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { input: readFileSync(files.zstd!), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), `zstd ${plain.length} ${sha256(readFileSync(files.zstd!))}`);
});

test('detectCompression: unknown magic and empty input are one-line errors', () => {
  assert.throws(() => detectCompression(Buffer.from('BZh91AY&SY')), (e: Error) => e.message === 'unknown compression (magic 0x425a6839)');
  assert.throws(() => detectCompression(Buffer.alloc(600, 0x41)), /unknown compression \(magic 0x41414141\)/);
  assert.throws(() => detectCompression(Buffer.from('PK')), /magic 0x504b\)/);
  assert.throws(() => detectCompression(Buffer.alloc(0)), /unknown compression \(the input is empty\)/);
  assert.is(detectCompression(Buffer.alloc(1024)), 'none');
});

test('openTarSource: unknown compression fails before anything is read as tar', async () => {
  const f = join(dir, 'unknown.bin');
  writeFileSync(f, Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), Buffer.alloc(2000, 1)]));
  assert.is(await failure(openTarSource(f)), 'unknown compression (magic 0x04224d18)');
});

test('openTarSource: a missing file or a directory is a one-line error', async () => {
  assert.match(await failure(openTarSource(join(dir, 'nope.tar'))), /^cannot open tarball ".*nope\.tar": .*no such file or directory$/);
  assert.match(await failure(openTarSource(dir)), /^cannot read tarball ".*": it is a directory$/);
});

for (const kind of ['gzip', 'xz', 'zstd'] as const) {
  test(`${kind}: truncated data is a one-line error`, async () => {
    const raw = readFileSync(files[kind]!);
    const f = join(dir, `truncated-${kind}`);
    writeFileSync(f, raw.subarray(0, raw.length >> 1));
    const src = await openTarSource(f);
    assert.is(await failure(drain(src.chunks)), `corrupt ${kind} data (the data ends too soon)`);
  });

  test(`${kind}: corrupted data is a one-line error`, async () => {
    const raw = Buffer.from(readFileSync(files[kind]!));
    for (let i = 200; i < 4000; i += 7) raw[i] ^= 0x5a;
    const f = join(dir, `corrupt-${kind}`);
    writeFileSync(f, raw);
    const src = await openTarSource(f);
    assert.match(await failure(drain(src.chunks)), new RegExp(`^corrupt ${kind} data \\(.+\\)$`));
  });
}

test('gzip: concatenated members are one stream', async () => {
  const gz = readFileSync(files.gzip!);
  const half = run('gzip', ['-c'], { input: Buffer.from('more') });
  const out = await drain(decompressChunks(chunked(Buffer.concat([gz, half]), 5000)));
  assert.ok(out.equals(Buffer.concat([plain, Buffer.from('more')])));
});

test('zstd: several frames, skippable frames, frames without checksums, any chunking', async () => {
  const one = run('zstd', ['-c', '-q'], { input: plain.subarray(0, 3000) });
  const two = run('zstd', ['-c', '-q', '--no-check'], { input: plain.subarray(3000) });
  const skippable = Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18]), Buffer.from([5, 0, 0, 0]), Buffer.from('skip!')]);
  const raw = Buffer.concat([one, skippable, two, skippable]);
  for (const size of [1, 3, 4096, raw.length]) {
    const out = await drain(decompressChunks(chunked(raw, size)));
    assert.ok(out.equals(plain), `chunk ${size}`);
  }
});

test('zstd: a flipped bit in a stored block is caught by the frame checksum', async () => {
  const raw = Buffer.from(readFileSync(files.zstd!));
  // The noise does not compress: zstd stores it as raw blocks, which fzstd copies unchecked.
  const at = raw.indexOf(noise.subarray(100000, 100032));
  assert.ok(at > 0);
  raw[at] ^= 1;
  assert.is(await failure(drain(decompressChunks(chunked(raw, 65536)))), 'corrupt zstd data (frame checksum mismatch)');
});

test('zstd: data after the last frame is refused', async () => {
  const raw = Buffer.concat([readFileSync(files.zstd!), Buffer.from('garbage!')]);
  assert.match(await failure(drain(decompressChunks(chunked(raw, 65536)))), /^corrupt zstd data \(not a zstd frame/);
});

test('a stream can be read once; an early stop closes the source', async () => {
  const src = await openTarSource(files.none!);
  for await (const c of src.chunks) {
    assert.ok(c.length > 0);
    break;
  }
  assert.throws(() => src.sourceDigest(), /not been read/);
  let second: unknown;
  try {
    for await (const c of src.chunks) void c;
  } catch (err) {
    second = err;
  }
  assert.match(String(second), /read only once/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
