// BufferedTar against TarWriter, the reference writer: the same entries must give the same bytes
// whatever the buffer size (so headers, PAX records, contents and padding cross buffer
// boundaries at every offset), through a file descriptor or through a stream without one.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { BufferedTar } from '../../src/archive/buffered-tar.js';
import { OutputBroken } from '../../src/archive/output-file.js';
import { TarWriter, type TarWriteEntry } from '../../src/tar/writer.js';
import { seededBytes } from './archive-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'strata-buffered-tar-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

interface Item {
  readonly entry: TarWriteEntry;
  /** Content of a regular file; read from a file unless `whole`. */
  readonly content?: Buffer;
  readonly whole?: boolean;
}

const ITEMS: readonly Item[] = [
  { entry: { name: 'etc/', type: 'dir', mode: 0o755, mtime: 1700000000 } },
  { entry: { name: 'etc/one', type: 'file', mode: 0o644, size: 1 }, content: seededBytes(1, 1) },
  { entry: { name: 'etc/block', type: 'file', mode: 0o644, size: 512 }, content: seededBytes(512, 2) },
  { entry: { name: 'etc/odd', type: 'file', mode: 0o600, size: 3001 }, content: seededBytes(3001, 3) },
  { entry: { name: `${'long/'.repeat(40)}name`, type: 'file', mode: 0o644, size: 700 }, content: seededBytes(700, 4) },
  { entry: { name: 'link', type: 'symlink', mode: 0o777, linkName: 't'.repeat(150) } },
  { entry: { name: 'hard', type: 'hardlink', mode: 0o644, linkName: 'etc/odd' } },
  // A PAX header larger than the smallest buffers.
  { entry: { name: 'caps', type: 'file', mode: 0o755, size: 5, xattrs: { 'user.big': seededBytes(3000, 5) } }, content: seededBytes(5, 6) },
  { entry: { name: 'given', type: 'file', mode: 0o644, size: 2500 }, content: seededBytes(2500, 7), whole: true },
  { entry: { name: 'empty', type: 'file', mode: 0o644, size: 0 }, content: Buffer.alloc(0) },
  { entry: { name: 'dev/null', type: 'char', mode: 0o666, devMajor: 1, devMinor: 3 } },
  { entry: { name: 'big', type: 'file', mode: 0o644, size: 70000 }, content: seededBytes(70000, 8) },
];

function reference(items: readonly Item[]): Buffer {
  const parts: Buffer[] = [];
  const w = new TarWriter((c) => parts.push(Buffer.from(c)), { canonical: true });
  for (const { entry, content } of items) w.add(entry, content);
  w.finish();
  return Buffer.concat(parts);
}

async function writeAll(tar: BufferedTar, items: readonly Item[]): Promise<void> {
  for (const [i, { entry, content, whole }] of items.entries()) {
    if (content === undefined || content.length === 0 || whole) {
      await tar.header(entry);
      if (whole) await tar.content(content!);
      continue;
    }
    const file = join(work, `content-${i}`);
    writeFileSync(file, content);
    const fd = openSync(file, 'r');
    try {
      assert.is(await tar.file(entry, fd, content.length), content.length);
    } finally {
      closeSync(fd);
    }
  }
  await tar.finish();
}

/** A stream without a descriptor that keeps what it is given (and holds each write a turn). */
function collector(): { stream: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      parts.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  return { stream, bytes: () => Buffer.concat(parts) };
}

const expected = reference(ITEMS);

for (const size of [512, 1024, 4096, 65536, 1 << 20]) {
  test(`BufferedTar: the bytes TarWriter writes, through a stream without a descriptor (${size}-byte buffer)`, async () => {
    const { stream, bytes: got } = collector();
    await writeAll(new BufferedTar(stream, size), ITEMS);
    assert.ok(got().equals(expected));
  });

  test(`BufferedTar: the bytes TarWriter writes, through a file's descriptor (${size}-byte buffer)`, async () => {
    const file = join(work, `out-${size}.tar`);
    const out = createWriteStream(file);
    await once(out, 'open');
    await writeAll(new BufferedTar(out, size), ITEMS);
    out.end();
    await once(out, 'close');
    assert.ok(readFileSync(file).equals(expected));
  });
}

test('BufferedTar: file() gives the length the file turned out to have, up to one byte past its size, within a buffer or across', async () => {
  const file = join(work, 'three');
  writeFileSync(file, 'abc');
  // [the size the entry says, the buffer, what file() must find]
  const cases = [[10, 1 << 20, 3], [5000, 1024, 3], [2, 1 << 20, 3], [2, 512, 3], [3, 1 << 20, 3], [3, 512, 3]] as const;
  for (const [size, buffer, found] of cases) {
    const fd = openSync(file, 'r');
    try {
      const tar = new BufferedTar(collector().stream, buffer);
      const written = tar.file({ name: 'three', type: 'file', mode: 0o644, size }, fd, size);
      assert.is(typeof written === 'number', buffer > 1024, `synchronous when it fits (${size}, ${buffer})`);
      assert.is(await written, found, `${size}, ${buffer}`);
    } finally {
      closeSync(fd);
    }
  }
});

test('BufferedTar: a stream that fails fails the writing as a failure of the output, its cause kept', async () => {
  const failing = new Writable({ write: (_chunk, _enc, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
  const tar = new BufferedTar(failing, 1024);
  let caught: unknown;
  try {
    for (let i = 0; i < 10; i++) await tar.header({ name: `f${i}`, type: 'file', mode: 0o644, size: 0 });
    await tar.finish();
  } catch (err) {
    caught = err;
  }
  assert.instance(caught, OutputBroken);
  assert.match((caught as Error).message, /^cannot write the output$/);
  assert.is(((caught as Error).cause as NodeJS.ErrnoException).code, 'EPIPE');
});

test('BufferedTar: a buffer size that is not a whole number of blocks is refused', () => {
  assert.throws(() => new BufferedTar(collector().stream, 1000), /multiple of 512/);
});

test.run();
