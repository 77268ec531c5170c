// `-o FILE` and `cp CTR:PATH HOSTPATH` write into what is there (archive/output-file.ts), through
// the real binary: a device node stays the device it was, a FIFO's reader gets the whole archive
// (the same bytes as a regular file and as stdout), a symbolic link is followed to the file it
// names, a link to nothing is refused. The device is a node made here with the null device's
// numbers, never the host's /dev/null: a broken implementation would break the machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const at = (name: string) => join(t.scratch, name);
strataOk(['run', '--name', 'ctr', 'busybox', 'sh', '-c', 'echo from the container > /note; chmod 4755 /note'], opts);

function nullDevice(name: string): string {
  const path = at(name);
  execFileSync('mknod', [path, 'c', '1', '3']);
  return path;
}

function isNullDevice(path: string): boolean {
  const st = lstatSync(path);
  return st.isCharacterDevice() && st.rdev === statSync('/dev/null').rdev;
}

/** Runs strata writing into a new FIFO, read meanwhile by `cat` into a file (strata runs
 * synchronously here: nothing of this process may be in the reader's way); what it got. */
async function throughFifo(name: string, args: (fifo: string) => string[]): Promise<Buffer> {
  const fifo = at(name);
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('sh', ['-c', 'exec cat "$0" > "$1"', fifo, `${fifo}.read`], { stdio: 'inherit' });
  const closed = once(reader, 'close');
  strataOk(args(fifo), opts);
  // A strata that replaced the FIFO never opened it: its reader would wait for ever.
  const timer = setTimeout(() => reader.kill(), 10_000);
  await closed;
  clearTimeout(timer);
  assert.is(reader.exitCode, 0, 'the FIFO\'s reader got no writer');
  assert.ok(lstatSync(fifo).isFIFO(), `${fifo} is no longer a FIFO`);
  return readFileSync(`${fifo}.read`);
}

const exported = () => {
  strataOk(['export', 'busybox', '-o', at('export.tar')], opts);
  return readFileSync(at('export.tar'));
};

test('export -o a device node: written into, still the device (1:3) afterwards', () => {
  const dev = nullDevice('null');
  strataOk(['export', 'busybox', '-o', dev], opts);
  assert.ok(isNullDevice(dev));
  strataOk(['save', 'busybox', '-o', dev], opts);
  assert.ok(isNullDevice(dev));
  assert.equal(readdirSync(t.scratch).filter((n) => n.endsWith('.part')), []);
});

test('export -o a FIFO: its reader gets the archive -o FILE and stdout get', async () => {
  const file = exported();
  assert.ok(file.length > 1_000_000);
  assert.ok((await throughFifo('export.fifo', (f) => ['export', 'busybox', '-o', f])).equals(file));
  assert.ok(strataOk(['export', 'busybox'], opts).stdout.equals(file));
});

test('save -o a FIFO: its reader gets the archive -o FILE and "-o -" get', async () => {
  strataOk(['save', 'busybox', '-o', at('save.tar')], opts);
  const file = readFileSync(at('save.tar'));
  assert.ok((await throughFifo('save.fifo', (f) => ['save', 'busybox', '-o', f])).equals(file));
  assert.ok(strataOk(['save', 'busybox', '-o', '-'], opts).stdout.equals(file));
});

test('-o a symbolic link: followed; the regular file it names is replaced, the link kept', () => {
  writeFileSync(at('named.tar'), 'old');
  symlinkSync('named.tar', at('link.tar'));
  strataOk(['export', 'busybox', '-o', at('link.tar')], opts);
  assert.is(readlinkSync(at('link.tar')), 'named.tar');
  assert.ok(readFileSync(at('named.tar')).equals(exported()));
  nullDevice('null2');
  symlinkSync('null2', at('to-null'));
  strataOk(['export', 'busybox', '-o', at('to-null')], opts);
  assert.ok(isNullDevice(at('null2')));
});

test('-o a symbolic link to nothing: refused, nothing made where it points', () => {
  symlinkSync('nowhere.tar', at('dangling.tar'));
  const r = runStrata(['export', 'busybox', '-o', at('dangling.tar')], opts);
  assert.is(r.status, 1);
  assert.is(r.stderr, `strata: cannot write ${at('dangling.tar')}: it is a symbolic link to nothing\n`);
  assert.not.ok(readdirSync(t.scratch).includes('nowhere.tar'));
});

test('cp CTR:FILE onto a device node: written into, still the device', () => {
  const dev = nullDevice('cp-null');
  strataOk(['cp', 'ctr:/etc/passwd', dev], opts);
  assert.ok(isNullDevice(dev));
});

test('cp CTR:FILE into a FIFO: its reader gets the file', async () => {
  const got = await throughFifo('cp.fifo', (f) => ['cp', 'ctr:/note', f]);
  assert.is(got.toString(), 'from the container\n');
});

test('cp CTR:FILE onto a symbolic link: the file it names replaced (the link kept), no setuid bit', () => {
  writeFileSync(at('note-target'), 'old');
  symlinkSync('note-target', at('note-link'));
  strataOk(['cp', 'ctr:/note', at('note-link')], opts);
  assert.is(readlinkSync(at('note-link')), 'note-target');
  assert.is(readFileSync(at('note-target'), 'utf8'), 'from the container\n');
  assert.is(statSync(at('note-target')).mode & 0o7777, 0o755);
});

test('cp CTR:FILE onto a regular file: replaced whole, by a new file', () => {
  writeFileSync(at('note'), 'a much longer old content than the new one');
  const before = statSync(at('note')).ino;
  strataOk(['cp', 'ctr:/note', at('note')], opts);
  assert.is(readFileSync(at('note'), 'utf8'), 'from the container\n');
  assert.is.not(statSync(at('note')).ino, before);
});

test.after(() => t.cleanup());
test.run();
