// The tar `commit` makes from a container's writable layer (runtime/changes/commit-tar.ts), on real
// upper directories made by hand: whiteouts as 0:0 devices and an opaque xattr as overlayfs leaves
// them (root only: mknod, trusted.* xattrs). What the tar holds, in which order, byte for byte
// again, and what it refuses: a directory swapped for a symlink, a name reserved for whiteouts.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { linkSync, lutimesSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BytePath } from '../../src/base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../../src/base/layer-index.js';
import { View } from '../../src/resolver/view.js';
import { canonicalLayer, dirsBornAfter, layerTar } from '../../src/runtime/changes/commit-tar.js';
import { readUpperIndex } from '../../src/runtime/drivers/upper-index.js';
import { openStore } from '../../src/store/store.js';
import type { TarHeader } from '../../src/tar/header.js';
import { TarParser } from '../../src/tar/reader.js';

if (process.getuid?.() !== 0) throw new Error('the commit tar tests need root (mknod, trusted.* xattrs)');

const scratch = mkdtempSync(join(tmpdir(), 'strata-commit-tar-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
/** A store: the helper (which lists the opaque markers) runs from it. */
const store = await openStore(join(scratch, 'store'));
let counter = 0;

const entry = (path: string, type: IndexEntry['type'] = 'file'): IndexEntry => ({ path: path as BytePath, type, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, size: 0, mtime: 0 });
const layer = (...entries: IndexEntry[]): LayerIndex => ({ entries: new Map(entries.map((e) => [e.path, e])), whiteouts: new Set(), opaque: new Set() });

/** The image below: /etc/{passwd,gone}, /var/old, /usr/lib/a. */
const lower = View.of([layer(entry('/etc', 'dir'), entry('/etc/passwd'), entry('/etc/gone'), entry('/var', 'dir'), entry('/var/old'),
  entry('/usr', 'dir'), entry('/usr/lib', 'dir'), entry('/usr/lib/a'))]);

/** An upper directory as overlayfs leaves it after: echo new > /etc/new; rm /etc/gone;
 * rm -rf /var; mkdir /var; echo x > /var/x; echo a > /a; ln /a /b; ln -s /etc/shadow /l. */
function makeUpper(): string {
  const upper = join(scratch, `upper-${++counter}`);
  mkdirSync(join(upper, 'etc'), { recursive: true });
  writeFileSync(join(upper, 'etc/new'), 'new\n');
  execFileSync('mknod', [join(upper, 'etc/gone'), 'c', '0', '0']);
  mkdirSync(join(upper, 'var'));
  execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(upper, 'var')]);
  writeFileSync(join(upper, 'var/x'), 'x\n');
  writeFileSync(join(upper, 'a'), 'a\n');
  linkSync(join(upper, 'a'), join(upper, 'b'));
  symlinkSync('/etc/shadow', join(upper, 'l'));
  lutimesSync(join(upper, 'l'), 1_700_000_000, 1_700_000_000);
  for (const p of ['etc/new', 'var/x', 'a', 'etc', 'var', '']) utimesSync(join(upper, p), 1_700_000_000, 1_700_000_000);
  return upper;
}

async function tarOf(storage: string, index: LayerIndex): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of layerTar({ storage, index, owner: (id) => id })) chunks.push(c);
  return Buffer.concat(chunks);
}

function members(tar: Buffer): TarHeader[] {
  const out: TarHeader[] = [];
  const parser = new TarParser({ meta() {}, entry: (h) => out.push(h), content() {}, entryEnd() {} });
  parser.push(tar);
  parser.end();
  return out;
}

test('layerTar: entries sorted, deletions as .wh. entries, opaque markers, hard links, links verbatim', async () => {
  const upper = makeUpper();
  const index = canonicalLayer(await readUpperIndex(store, upper, lower), lower);
  const got = members(await tarOf(upper, index)).map((h) => `${h.type} ${h.name}${h.linkName ? ` -> ${h.linkName}` : ''}`);
  assert.equal(got, [
    'file a', 'hardlink b -> a', 'dir etc/', 'file etc/.wh.gone', 'file etc/new', 'symlink l -> /etc/shadow',
    'dir var/', 'file var/.wh..wh..opq', 'file var/x',
  ]);
});

test('layerTar: the same files give the same bytes (a reproducible diff_id)', async () => {
  const upper = makeUpper();
  const index = canonicalLayer(await readUpperIndex(store, upper, lower), lower);
  const first = await tarOf(upper, index);
  assert.ok((await tarOf(upper, index)).equals(first));
  // Another upper directory with the same files and times: the same bytes again.
  const twin = makeUpper();
  assert.ok((await tarOf(twin, canonicalLayer(await readUpperIndex(store, twin, lower), lower))).equals(first));
  const whiteout = members(first).find((h) => h.name === 'etc/.wh.gone')!;
  assert.equal([whiteout.mode, whiteout.uid, whiteout.mtime, whiteout.size], [0, 0, 0, 0]);
});

test('layerTar: a directory swapped for a symlink after indexing is refused, not followed', async () => {
  const upper = makeUpper();
  const index = await readUpperIndex(store, upper, lower);
  // A host directory with what the index expects, behind a link where etc/ was.
  const host = join(scratch, `host-${counter}`);
  mkdirSync(host);
  writeFileSync(join(host, 'new'), 'HOST SECRET\n');
  renameSync(join(upper, 'etc'), join(scratch, `moved-${counter}`));
  symlinkSync(host, join(upper, 'etc'));
  let tar: Buffer | undefined;
  try {
    tar = await tarOf(upper, index);
  } catch (err) {
    assert.match(String(err), /changed while the container was being committed/);
  }
  assert.is(tar, undefined, 'the commit must fail');
});

test('layerTar: a file named like a whiteout cannot be committed', async () => {
  const upper = join(scratch, `upper-${++counter}`);
  mkdirSync(upper);
  writeFileSync(join(upper, '.wh.passwd'), '');
  try {
    await tarOf(upper, await readUpperIndex(store, upper, lower));
    assert.unreachable('a .wh. file must be refused');
  } catch (err) {
    assert.match(String(err), /reserved for whiteouts/);
  }
});

test('canonicalLayer: a directory made anew is opaque, and the whiteouts inside it go', () => {
  // What the copy driver computes after `rm -rf /usr/lib; mkdir /usr/lib`: whiteouts for what is gone.
  const index: LayerIndex = { entries: new Map([['/usr' as BytePath, entry('/usr', 'dir')], ['/usr/lib' as BytePath, entry('/usr/lib', 'dir')]]), whiteouts: new Set(['/usr/lib/a' as BytePath]), opaque: new Set() };
  const out = canonicalLayer(index, lower, new Set(['/usr/lib' as BytePath]));
  assert.equal([...out.opaque], ['/usr/lib']);
  assert.equal([...out.whiteouts], []);
  // A directory only this layer has needs no marker.
  const fresh = canonicalLayer({ ...index, entries: new Map([...index.entries, ['/new' as BytePath, entry('/new', 'dir')]]) }, lower, new Set(['/usr/lib', '/new'] as BytePath[]));
  assert.equal([...fresh.opaque], ['/usr/lib']);
});

test('dirsBornAfter: directories made after the stamp, where the image has one', async () => {
  const storage = join(scratch, `rootfs-${++counter}`);
  mkdirSync(join(storage, 'usr/lib'), { recursive: true });
  mkdirSync(join(storage, 'etc'));
  const stamp = Date.now() + 10_000; // everything made so far is older than this
  const index = await readUpperIndex(store, storage, lower);
  assert.equal([...dirsBornAfter(storage, index, lower, stamp)], []);
  // A birth time comes from the kernel's coarse clock, up to a tick (≤ 10 ms) behind Date.now():
  // the stamp is taken, then 50 ms pass, before the directory is made again.
  const since = Date.now();
  execFileSync('sleep', ['0.05']);
  rmSync(join(storage, 'usr/lib'), { recursive: true });
  mkdirSync(join(storage, 'usr/lib'));
  assert.equal([...dirsBornAfter(storage, index, lower, since)], ['/usr/lib']);
});

test.run();
