// The one rule for a host path strata writes (output-file.ts), on real nodes: a device or FIFO is
// written into and stays what it was, a socket is connected to, a regular file (or nothing) is
// replaced by a rename once complete, a symbolic link is followed, a directory or a link to
// nothing refused. The device is a node made here (1:3, the null device's numbers), never the
// host's /dev/null: an implementation that replaced it would break the machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, lstatSync, symlinkSync, writeFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { openOutputFile, partPath, writeOutputFile } from '../../src/archive/output-file.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-output-'));
const bytes = Buffer.from('x'.repeat(300_000));
const produce = async (out: NodeJS.WritableStream) => {
  for (let i = 0; i < bytes.length; i += 65536) if (!out.write(bytes.subarray(i, i + 65536))) await once(out, 'drain');
};

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no failure');
}

const deviceNumbers = (path: string) => {
  const st = statSync(path);
  return [st.isCharacterDevice(), Math.floor(st.rdev / 256), st.rdev % 256];
};

test('a character device is written into and stays the device it was', async () => {
  const dev = join(dir, 'null');
  execFileSync('mknod', [dev, 'c', '1', '3']);
  await writeOutputFile(dev, produce);
  assert.equal(deviceNumbers(dev), [true, 1, 3]);
  assert.equal(readdirSync(dir), ['null']);
  rmSync(dev);
});

test('a FIFO is written into: its reader gets every byte, and it stays a FIFO', async () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  reader.stdout.on('data', (c: Buffer) => chunks.push(c));
  // Listened for from the start: the reader may be gone before writeOutputFile returns.
  const closed = once(reader, 'close');
  await writeOutputFile(fifo, produce);
  await closed;
  assert.ok(Buffer.concat(chunks).equals(bytes));
  assert.ok(lstatSync(fifo).isFIFO());
  rmSync(fifo);
});

test('a socket is connected to and written into', async () => {
  const sock = join(dir, 'sock');
  const chunks: Buffer[] = [];
  let received!: Promise<void>;
  const server = createServer((c) => {
    received = new Promise((resolve) => c.on('end', resolve));
    c.on('data', (d: Buffer) => chunks.push(d));
  });
  server.listen(sock);
  await once(server, 'listening');
  await writeOutputFile(sock, produce);
  await received;
  assert.ok(Buffer.concat(chunks).equals(bytes));
  assert.ok(lstatSync(sock).isSocket());
  server.close();
});

test('a regular file is replaced once complete: a new file, no temporary file left', async () => {
  const file = join(dir, 'out.tar');
  writeFileSync(file, 'old');
  const before = statSync(file).ino;
  await writeOutputFile(file, produce);
  assert.ok(readFileSync(file).equals(bytes));
  assert.is.not(statSync(file).ino, before);
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.part')), []);
});

test('a failed write leaves the old file as it was and no temporary file', async () => {
  const file = join(dir, 'kept.tar');
  writeFileSync(file, 'old');
  const message = await failure(writeOutputFile(file, async (out) => {
    out.write('partial');
    throw new Error('the producer failed');
  }));
  assert.is(message, 'cannot write ' + file + ': the producer failed');
  assert.is(readFileSync(file, 'utf8'), 'old');
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.part')), []);
});

test('a symbolic link is followed: the file it names is replaced, the link stays; a device behind one is written into', async () => {
  const target = join(dir, 'target.tar');
  const link = join(dir, 'link.tar');
  writeFileSync(target, 'old');
  symlinkSync('target.tar', link);
  await writeOutputFile(link, produce);
  assert.is(readlinkSync(link), 'target.tar');
  assert.ok(readFileSync(target).equals(bytes));
  const dev = join(dir, 'dev');
  execFileSync('mknod', [dev, 'c', '1', '3']);
  symlinkSync('dev', join(dir, 'to-dev'));
  await writeOutputFile(join(dir, 'to-dev'), produce);
  assert.equal(deviceNumbers(dev), [true, 1, 3]);
});

test('a link to nothing, a directory and a missing parent are refused with one reason each', async () => {
  symlinkSync('missing', join(dir, 'dangling'));
  assert.is(await failure(writeOutputFile(join(dir, 'dangling'), produce)), `cannot write ${join(dir, 'dangling')}: it is a symbolic link to nothing`);
  assert.not.ok(readdirSync(dir).includes('missing'));
  mkdirSync(join(dir, 'sub'));
  assert.is(await failure(writeOutputFile(join(dir, 'sub'), produce)), `cannot write ${join(dir, 'sub')}: it is a directory`);
  assert.is(await failure(writeOutputFile(join(dir, 'no', 'such'), produce)), `cannot write ${join(dir, 'no', 'such')}: no such file or directory`);
});

test('openOutputFile: the replaced file\'s descriptor, for a mode and times; a device offers none to set', async () => {
  const out = await openOutputFile(join(dir, 'copied'));
  assert.ok(out.replaces && out.fd !== undefined);
  await out.commit();
  const dev = join(dir, 'dev2');
  execFileSync('mknod', [dev, 'c', '1', '3']);
  const into = await openOutputFile(dev);
  assert.not.ok(into.replaces);
  into.abort();
  assert.equal(deviceNumbers(dev), [true, 1, 3]);
});

test('partPath: beside the file, hidden, and short enough for a 255-byte name', () => {
  const long = join(dir, 'é'.repeat(127));
  const part = partPath(long);
  assert.is(dirname(part), dir);
  assert.match(basename(part), /^\..*\.\d+\.\d+\.[0-9a-f]{12}\.part$/);
  assert.ok(Buffer.byteLength(basename(part)) <= 255);
  assert.is.not(partPath(long), part);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
