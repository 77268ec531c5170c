// The drivers' pieces on real files: a layer's overlay marks, an overlay upper directory read as a
// layer index, the copy driver's change detection by ctime.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BytePath } from '../../src/base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../../src/base/layer-index.js';
import { View } from '../../src/resolver/view.js';
import { computeChanges } from '../../src/runtime/drivers/copy-changes.js';
import { layerMarks, whiteoutPaths } from '../../src/runtime/drivers/overlay-marks.js';
import { readUpperIndex } from '../../src/runtime/drivers/upper-index.js';
import type { NodeSpec } from '../../src/runtime/helper/ops.js';
import { openStore } from '../../src/store/store.js';

const asRoot = process.getuid?.() === 0;
const temp = () => mkdtempSync(join(tmpdir(), 'strata-drv-'));

function index(entries: Array<[string, Partial<IndexEntry>]>, whiteouts: string[] = [], opaque: string[] = []): LayerIndex {
  const map = new Map<BytePath, IndexEntry>();
  for (const [path, e] of entries) map.set(path as BytePath, { path: path as BytePath, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0, ...e });
  return { entries: map, whiteouts: new Set(whiteouts as BytePath[]), opaque: new Set(opaque as BytePath[]) };
}

/** Makes nodes with coreutils mknod (the helper does it in strata). */
async function mknod(nodes: readonly NodeSpec[]): Promise<void> {
  for (const n of nodes) {
    const path = Buffer.from(n.path, 'latin1').toString();
    execFileSync('mknod', ['-m', n.mode.toString(8), path, n.type, ...(n.type === 'p' ? [] : [String(n.major), String(n.minor)])]);
  }
}

test('whiteoutPaths: whiteouts and opaque dirs, only the topmost, never the root or below a file', () => {
  const idx = index([['/f', { type: 'file' }]], ['/a', '/a/b', '/c/d', '/f/x'], ['/', '/c', '/e']);
  assert.equal(whiteoutPaths(idx), ['/a', '/c', '/e']);
});

test('layerMarks: whiteouts below, devices above with the layer\'s directory metadata; made once', async () => {
  if (!asRoot) return;
  const store = await openStore(join(temp(), 'store'));
  const diffId = 'sha256:' + 'ab'.repeat(32);
  const layerDir = join(store.paths.layer(diffId), 'rootfs');
  mkdirSync(join(layerDir, 'dev'), { recursive: true });
  mkdirSync(join(layerDir, 'etc/d'), { recursive: true });
  execFileSync('chmod', ['0711', join(layerDir, 'dev')]);
  const idx = index([
    ['/dev', { mode: 0o711 }], ['/dev/null', { type: 'char', mode: 0o666, devMajor: 1, devMinor: 3, uid: 5, gid: 6, mtime: 1000 }],
    ['/dev/p', { type: 'fifo', mode: 0o600 }], ['/etc', {}], ['/etc/d', {}],
  ], ['/gone', '/etc/old'], ['/etc/d']);
  let calls = 0;
  const marks = await layerMarks(store, diffId, idx, async (nodes) => {
    calls++;
    await mknod(nodes);
  });
  assert.ok(marks.above && marks.below);
  const below = readdirSync(marks.below!, { recursive: true }).map(String).sort();
  assert.equal(below, ['etc', 'etc/d', 'etc/old', 'gone']);
  for (const w of ['gone', 'etc/old', 'etc/d']) {
    const st = lstatSync(join(marks.below!, w));
    assert.ok(st.isCharacterDevice() && st.rdev === 0, w);
  }
  const dev = lstatSync(join(marks.above!, 'dev/null'));
  assert.ok(dev.isCharacterDevice());
  assert.is(dev.uid, 5);
  assert.is(dev.mode & 0o777, 0o666);
  assert.is(dev.mtimeMs, 1000_000);
  assert.ok(lstatSync(join(marks.above!, 'dev/p')).isFIFO());
  assert.is(statSync(join(marks.above!, 'dev')).mode & 0o7777, 0o711);
  await layerMarks(store, diffId, idx, async () => {
    calls++;
  });
  assert.is(calls, 1, 'made once, then reused');
  // A layer with neither gets an empty marks directory (a stat answers the next time).
  const plain = await layerMarks(store, 'sha256:' + 'cd'.repeat(32), index([['/x', { type: 'file' }]]), async () => assert.unreachable());
  assert.equal(plain, {});
});

test('readUpperIndex: entries, 0:0 devices as whiteouts, opaque directories from their xattr, without getfattr', async () => {
  if (!asRoot) return;
  const store = await openStore(join(temp(), 'store'));
  const upper = temp();
  mkdirSync(join(upper, 'etc/d'), { recursive: true });
  writeFileSync(join(upper, 'etc/passwd'), 'root\n');
  symlinkSync('/etc/passwd', join(upper, 'lnk'));
  execFileSync('mknod', [join(upper, 'etc/shadow'), 'c', '0', '0']);
  execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(upper, 'etc/d')]);
  const lower = View.of([index([['/etc', {}], ['/etc/d', {}], ['/etc/shadow', { type: 'file' }]])]);
  // Nothing of the host's is run for it: no getfattr (package attr) on the PATH.
  const path = process.env.PATH;
  process.env.PATH = temp();
  let idx: LayerIndex;
  try {
    idx = await readUpperIndex(store, upper, lower);
  } finally {
    process.env.PATH = path;
  }
  assert.equal([...idx.entries.keys()].sort(), ['/etc', '/etc/d', '/etc/passwd', '/lnk']);
  assert.is(idx.entries.get('/lnk' as BytePath)!.linkTarget, '/etc/passwd');
  assert.is(idx.entries.get('/etc/passwd' as BytePath)!.size, 5);
  assert.equal([...idx.whiteouts], ['/etc/shadow']);
  assert.equal([...idx.opaque], ['/etc/d']);
  rmSync(upper, { recursive: true });
});

test('computeChanges: what is newer than the stamp, whiteouts for what is gone, mount points skipped', () => {
  const rootfs = temp();
  for (const d of ['etc', 'usr/bin', 'tmp']) mkdirSync(join(rootfs, d), { recursive: true });
  for (const f of ['etc/passwd', 'etc/group', 'usr/bin/tool']) writeFileSync(join(rootfs, f), 'x');
  writeFileSync(join(rootfs, 'etc/hosts'), ''); // a mount point strata made: not in the image
  const view = View.of([index([['/etc', {}], ['/etc/passwd', { type: 'file' }], ['/etc/group', { type: 'file' }], ['/usr', {}], ['/usr/bin', {}], ['/usr/bin/tool', { type: 'file' }], ['/tmp', {}]])]);
  const stamp = statSync(join(rootfs, 'etc/hosts'), { bigint: true }).ctimeNs;
  execFileSync('sleep', ['0.02']);
  writeFileSync(join(rootfs, 'etc/passwd'), 'changed');
  unlinkSync(join(rootfs, 'etc/group'));
  rmSync(join(rootfs, 'usr/bin'), { recursive: true });
  writeFileSync(join(rootfs, 'tmp/new'), 'n');
  const idx = computeChanges(rootfs, stamp, view);
  assert.equal([...idx.entries.keys()], ['/etc', '/etc/passwd', '/tmp', '/tmp/new', '/usr']);
  assert.equal([...idx.whiteouts].sort(), ['/etc/group', '/usr/bin']);
  rmSync(rootfs, { recursive: true });
});

test.run();
