// A COPY layer is written straight into the unpacker (entries-tar.ts): it must be exactly the
// layer that importing the same tar makes — diff_id, index, tar-split and files alike — and its
// progress must count every content byte once, in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BytePath } from '../../src/base/byte-path.js';
import { contentBytes, entriesTar, sortedEntries, type NewEntry } from '../../src/build/layer/entries-tar.js';
import { addLayer } from '../../src/store/layers.js';
import { withLease } from '../../src/store/lease.js';
import { openStore } from '../../src/store/store.js';

const root = mkdtempSync(join(tmpdir(), 'strata-copy-layer-'));
const src = join(root, 'src');
mkdirSync(src);
const big = Buffer.alloc((5 << 19) + 77, 'xyz'); // 2.5 MiB and a little: read in several pieces
writeFileSync(join(src, 'big'), big);
writeFileSync(join(src, 'small'), 'small\n');
writeFileSync(join(src, 'empty'), '');
const host = (name: string) => ({ host: join(src, name), size: lstatSync(join(src, name)).size });

const entries: NewEntry[] = sortedEntries([
  { path: '/app' as BytePath, type: 'dir', mode: 0o750, uid: 1000, gid: 1000, mtime: 1_600_000_000 },
  { path: '/app/big' as BytePath, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_600_000_001, content: host('big') },
  { path: '/app/small' as BytePath, type: 'file', mode: 0o4755, uid: 1000, gid: 50, mtime: 1_600_000_002, content: host('small') },
  { path: '/app/empty' as BytePath, type: 'file', mode: 0o600, uid: 0, gid: 0, mtime: 1_600_000_003, content: host('empty') },
  // A name that is not UTF-8, and a heredoc's bytes from memory.
  { path: '/app/bad\xff\xfe' as BytePath, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_600_000_004, content: { data: Buffer.from('heredoc\n') } },
  { path: '/app/link' as BytePath, type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1_600_000_005, linkTarget: '../etc/passwd' },
  // Two names of one inode: the first sorted keeps the bytes, the other is a hard link to it.
  { path: '/app/z-link' as BytePath, type: 'file', mode: 0o640, uid: 0, gid: 0, mtime: 1_600_000_008, content: host('small'), inode: '1:99' },
  { path: '/app/sub/linked' as BytePath, type: 'file', mode: 0o640, uid: 0, gid: 0, mtime: 1_600_000_008, content: host('small'), inode: '1:99' },
  { path: '/app/sub/deep' as BytePath, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1_600_000_006 },
  { path: '/app/' + 'n'.repeat(150) as BytePath, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_600_000_007, content: host('small') },
]);

/** Every file of a layer directory: its relative path (bytes, hex), mode, owner, mtime and bytes. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: Buffer, rel: string) => {
    for (const name of readdirSync(at, { encoding: 'buffer' })) {
      const p = Buffer.concat([at, Buffer.from('/'), name]);
      const st = lstatSync(p);
      const r = `${rel}/${name.toString('hex')}`;
      const what = st.isSymbolicLink() ? readlinkSync(p, { encoding: 'buffer' }).toString('hex') : st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'dir';
      out.push(`${r} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${Math.floor(st.mtimeMs / 1000)} ${what}`);
      if (st.isDirectory()) walk(p, r);
    }
  };
  walk(Buffer.from(dir), '');
  return out.sort();
}

test('the layer written straight from the entries is the one importing their tar makes', async () => {
  const pieces: Buffer[] = [];
  entriesTar(entries)((piece) => pieces.push(Buffer.from(piece)));
  const tar = Buffer.concat(pieces);
  const direct = await openStore(join(root, 'direct'));
  const imported = await openStore(join(root, 'imported'));
  const a = await withLease(direct, (lease) => addLayer(direct, entriesTar(entries), lease));
  const b = await withLease(imported, (lease) => addLayer(imported, (async function* () { yield tar; })(), lease));
  assert.is(a.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
  assert.equal(a, { ...b, created: a.created });
  for (const file of ['index.json', 'tar-split']) {
    assert.ok(readFileSync(join(direct.paths.layer(a.diffId), file)).equals(readFileSync(join(imported.paths.layer(b.diffId), file))), file);
  }
  const files = tree(join(direct.paths.layer(a.diffId), 'rootfs'));
  assert.equal(files, tree(join(imported.paths.layer(b.diffId), 'rootfs')));
  assert.ok(files.some((f) => f.startsWith(`/${Buffer.from('app').toString('hex')}/${Buffer.from('bad\xff\xfe', 'latin1').toString('hex')} `)), 'the non-UTF-8 name is kept byte for byte');
  const rootfs = join(direct.paths.layer(a.diffId), 'rootfs');
  assert.is(lstatSync(join(rootfs, 'app/sub/linked')).ino, lstatSync(join(rootfs, 'app/z-link')).ino, 'one inode');
  assert.ok(entries.some((e) => e.type === 'hardlink' && e.path === '/app/z-link' && e.linkTarget === 'app/sub/linked'));
});

test('progress counts the content bytes written, in order, up to the total', () => {
  const seen: number[] = [];
  entriesTar(entries, (done) => seen.push(done))(() => {});
  const total = contentBytes(entries);
  // (The hard link brings no bytes of its own.)
  assert.is(total, big.length + 6 + 6 + 6 + 8);
  assert.is(seen[seen.length - 1], total);
  assert.ok(seen.every((n, i) => i === 0 || n >= seen[i - 1]!), 'never goes back');
  // A large file reports while it is read, not only once it is done.
  // (/app/bad\xff\xfe, 8 bytes, comes first, then /app/big.)
  assert.ok(seen.some((n) => n > 8 && n < 8 + big.length), `pieces reported: ${seen.join(" ")}`);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
