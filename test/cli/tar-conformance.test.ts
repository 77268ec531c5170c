// GNU tar is the oracle for what a tarball means. For every archive of libarchive's test corpus
// (test/fixtures/libarchive-tar: written by GNU tar 1.13–1.17, star, Solaris tar, Archive::Tar,
// Plexus, bsdtar, and damaged by hand), `strata import` must agree with `tar -xf`:
//   - an archive GNU tar extracts without error imports, and the image (exported, then extracted
//     by GNU tar) is the same tree: types, modes, owners, sizes, contents, link targets, hard
//     links, mtimes of everything but directories; `tree` lists the same paths; the layer keeps
//     sparse files sparse; `save` gives back the original bytes;
//   - one GNU tar refuses is refused with one line, and the store is left as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runStrata, strataOk, tempStore } from '../helpers/cli.js';
import { encodePaxRecords } from '../../src/tar/pax.js';
import { encodeHeaderBlock } from '../../src/tar/writer.js';

const CORPUS = join(REPO, 'test/fixtures/libarchive-tar');
const archives = readdirSync(CORPUS).filter((f) => /\.tar(\.gz|\.zst)?$/.test(f)).sort();

const t = tempStore();
const opts = { root: t.root };

/** GNU tar's extraction of `archive` into a new directory: its exit status and the directory. */
function gnuExtract(archive: string, into: string): number {
  mkdirSync(into, { recursive: true });
  // As root GNU tar keeps owners and modes; umask 022 gives implied directories 0755, as strata does.
  return spawnSync('sh', ['-c', 'umask 022; exec tar --numeric-owner -xf "$1" -C "$2"', 'sh', archive, into]).status ?? -1;
}

interface Node {
  readonly type: string;
  readonly mode: string;
  readonly owner: string;
  readonly size?: number;
  readonly content?: string;
  readonly target?: string;
  readonly links?: number;
  readonly mtime?: number;
  readonly dev?: string;
}

/** Every path below `root` (the root itself left out), as a byte string, and what GNU tar cares
 * about. */
function describeTree(root: string): Map<string, Node> {
  const out = new Map<string, Node>();
  const at = (path: string) => Buffer.from(root + path, 'latin1');
  const walk = (rel: string): void => {
    for (const name of readdirSync(at(rel), { encoding: 'buffer' }).map((n) => n.toString('latin1')).sort()) {
      const path = `${rel}/${name}`;
      const st = lstatSync(at(path));
      const base = { mode: (st.mode & 0o7777).toString(8), owner: `${st.uid}:${st.gid}` };
      if (st.isDirectory()) {
        out.set(path, { type: 'dir', ...base });
        walk(path);
      } else if (st.isFile()) {
        const content = createHash('sha256').update(readFileSync(at(path))).digest('hex');
        out.set(path, { type: 'file', ...base, size: st.size, content, links: st.nlink, mtime: Math.floor(st.mtimeMs / 1000) });
      } else if (st.isSymbolicLink()) {
        out.set(path, { type: 'symlink', ...base, target: readlinkSync(at(path), { encoding: 'buffer' }).toString('latin1'), mtime: Math.floor(st.mtimeMs / 1000) });
      } else {
        const type = st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : st.isFIFO() ? 'fifo' : 'other';
        out.set(path, { type, ...base, dev: String(st.rdev), mtime: Math.floor(st.mtimeMs / 1000) });
      }
    }
  };
  walk('');
  return out;
}

/** The uncompressed bytes of a corpus archive. */
function tarBytes(archive: string): Buffer {
  if (archive.endsWith('.gz')) return execFileSync('gzip', ['-dc', archive]);
  if (archive.endsWith('.zst')) return execFileSync('zstd', ['-dc', archive]);
  return readFileSync(archive);
}

function storeImages(): string {
  return strataOk(['images', '-q'], opts).text;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

test('the corpus holds the 40 archives and libarchive\'s notice', () => {
  assert.is(archives.length, 40);
  assert.match(readFileSync(join(CORPUS, 'LICENSE'), 'utf8'), /Tim Kientzle/);
});

/** Import `archive` and hold strata to GNU tar's extraction of it (see the top of the file). */
function agreesWithGnu(label: string, archive: string): void {
  const work = join(t.scratch, label);
  const gnuStatus = gnuExtract(archive, join(work, 'gnu'));
  const before = storeImages();
  const r = runStrata(['import', archive, `corpus:c-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`], opts);
  if (gnuStatus !== 0) {
    assert.is.not(r.status, 0, `GNU tar refuses ${label}; strata imported it`);
    assert.match(r.stderr, /^strata: [^\n]+\n$/, `one line: ${r.stderr}`);
    assert.is(storeImages(), before, 'the store is left as it was');
    return;
  }
  assert.is(r.status, 0, `GNU tar extracts ${label}; strata said: ${r.stderr.trim()}`);
  const id = r.stdout.toString().trim();

  const exported = join(work, 'export.tar');
  strataOk(['export', id, '-o', exported], opts);
  assert.is(gnuExtract(exported, join(work, 'strata')), 0, 'GNU tar extracts the export');
  const gnu = describeTree(join(work, 'gnu'));
  const ours = describeTree(join(work, 'strata'));
  assert.equal(Object.fromEntries(ours), Object.fromEntries(gnu));

  const tree = strataOk(['tree', id], opts).stdout.toString('latin1').split('\n').filter((l) => l !== '');
  assert.equal(tree, [...gnu.keys()].sort());

  // The root directory, which export leaves out: as GNU tar left it (set by a "/", "./", "." or
  // "" entry; else a new directory, 0755 and the caller's).
  const layer = diffIdOf(id).slice('sha256:'.length);
  const rootOf = (dir: string) => {
    const st = lstatSync(dir);
    return { mode: (st.mode & 0o7777).toString(8), owner: `${st.uid}:${st.gid}` };
  };
  assert.equal(rootOf(join(t.root, 'layers', layer, 'rootfs')), rootOf(join(work, 'gnu')), 'the root directory');

  // The layer as stored keeps a sparse file's holes as holes, as GNU tar's extraction does.
  for (const [path, node] of gnu) {
    if (node.type !== 'file') continue;
    const theirs = lstatSync(Buffer.from(join(work, 'gnu') + path, 'latin1')).blocks;
    const mine = lstatSync(Buffer.from(join(t.root, 'layers', layer, 'rootfs') + path, 'latin1')).blocks;
    assert.ok(mine <= theirs, `${path}: ${mine} blocks in the layer, ${theirs} from GNU tar`);
  }

  // save gives the layer back byte for byte.
  const saved = join(work, 'saved.tar');
  strataOk(['save', id, '-o', saved], opts);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', saved, 'manifest.json']).toString());
  const layerBytes = execFileSync('tar', ['-xOf', saved, manifest[0].Layers[0]], { maxBuffer: 1 << 28 });
  assert.is(sha256(layerBytes), sha256(tarBytes(archive)));
}

for (const name of archives) {
  test(`${name}: strata import agrees with GNU tar`, () => agreesWithGnu(name, join(CORPUS, name)));
}

// Archives GNU tar writes today, of the kinds the corpus has too few of.
const made = join(t.scratch, 'made');
mkdirSync(made);

/** A file with holes at its start, in its middle and at its end, and data between them. */
function sparseSource(): string {
  const dir = join(made, 'sparse-src');
  mkdirSync(dir, { recursive: true });
  const f = join(dir, 'lastlog');
  execFileSync('sh', ['-c', `truncate -s 8M "$1" && printf 'one' | dd of="$1" bs=1 seek=1048576 conv=notrunc status=none &&
    head -c 70000 /dev/urandom | dd of="$1" bs=1 seek=3000000 conv=notrunc status=none && printf 'x' > "$2"`, 'sh', f, join(dir, 'plain')]);
  return dir;
}

for (const [label, flags] of [
  ['old GNU sparse', ['--format=gnu']],
  ['PAX sparse 0.0', ['--format=posix', '--sparse-version=0.0']],
  ['PAX sparse 0.1', ['--format=posix', '--sparse-version=0.1']],
  ['PAX sparse 1.0', ['--format=posix', '--sparse-version=1.0']],
] as const) {
  test(`${label} written by GNU tar: holes stay holes, contents as GNU tar extracts them`, () => {
    const src = sparseSource();
    const archive = join(made, `${label.replace(/\W+/g, '-')}.tar`);
    execFileSync('tar', [...flags, '-S', '-cf', archive, '-C', src, '.']);
    agreesWithGnu(label, archive);
    assert.ok(lstatSync(join(src, 'lastlog')).blocks * 512 < 1 << 20, 'the source has holes');
  });
}

test('GNU dumpdir entries (an incremental archive) are directories', () => {
  const src = join(made, 'incremental-src');
  mkdirSync(join(src, 'd/e'), { recursive: true });
  execFileSync('sh', ['-c', 'echo a > "$1/d/a"; echo b > "$1/d/e/b"', 'sh', src]);
  const archive = join(made, 'incremental.tar');
  execFileSync('tar', ['-g', join(made, 'snapshot'), '-cf', archive, '-C', src, '.']);
  assert.match(execFileSync('tar', ['-tvf', archive]).toString(), /^d.*\.\/d\/$/m);
  agreesWithGnu('incremental', archive);
});

test('a volume label is skipped', () => {
  const src = join(made, 'label-src');
  mkdirSync(src);
  execFileSync('sh', ['-c', 'echo a > "$1/a"', 'sh', src]);
  const archive = join(made, 'label.tar');
  execFileSync('tar', ['-V', 'backup 1', '-cf', archive, '-C', src, 'a']);
  agreesWithGnu('label', archive);
});

test('an archive cut off after its last whole entry (no end-of-archive blocks)', () => {
  const src = join(made, 'cut-src');
  mkdirSync(src);
  execFileSync('sh', ['-c', 'echo a > "$1/a"; printf bb > "$1/b"', 'sh', src]);
  const whole = join(made, 'whole.tar');
  execFileSync('tar', ['--format=gnu', '-cf', whole, '-C', src, 'a', 'b']);
  const archive = join(made, 'cut.tar');
  writeFileSync(archive, readFileSync(whole).subarray(0, 4 * 512));
  agreesWithGnu('cut', archive);
  // Cut inside the last entry's data, it is refused, as GNU tar refuses it.
  writeFileSync(archive, readFileSync(whole).subarray(0, 3 * 512 + 1));
  agreesWithGnu('cut-short', archive);
});

/** A header block and its data, padded. */
function member(fields: Parameters<typeof encodeHeaderBlock>[0], data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([encodeHeaderBlock(fields), data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function pax(records: Array<[string, string]>): Buffer {
  const data = encodePaxRecords(records);
  return member({ typeflag: 'x', name: 'PaxHeaders/x', size: data.length }, data);
}

const EOA = Buffer.alloc(1024);

for (const [label, bytes] of [
  // kaniko writes the root itself first in every layer, and absolute names after it.
  ['kaniko-style root and absolute names', Buffer.concat([
    member({ typeflag: '5', name: '/', mode: 0o751, uid: 0, gid: 0, mtime: 1600000000 }),
    member({ typeflag: '5', name: '/etc/', mode: 0o755, mtime: 1600000001 }),
    member({ typeflag: '0', name: '/etc/hosts', mode: 0o644, size: 3, mtime: 1600000002 }, Buffer.from('hi\n')),
    member({ typeflag: '1', name: '/etc/hosts2', linkName: '/etc/hosts', mtime: 1600000002 }),
    member({ typeflag: '2', name: '//bin/sh', linkName: '/bin/busybox', mtime: 1600000003 }),
    EOA,
  ])],
  ['./ and . naming the root', Buffer.concat([
    member({ typeflag: '5', name: './', mode: 0o700, mtime: 1600000000 }),
    member({ typeflag: '0', name: './f', mode: 0o600, size: 1, mtime: 1600000002 }, Buffer.from('f')),
    member({ typeflag: '5', name: '.', mode: 0o711, mtime: 1600000004 }),
    EOA,
  ])],
  ['PAX numbers with leading zeros', Buffer.concat([
    pax([['size', '000000000000000000000005'], ['mtime', '0001600000000.5'], ['uid', '0000123']]),
    member({ typeflag: '0', name: 'f', mode: 0o644, size: 0, mtime: 1 }, Buffer.from('hello')),
    EOA,
  ])],
  ['an unknown typeflag, which GNU tar extracts as a regular file', Buffer.concat([
    member({ typeflag: 'Z', name: 'z', mode: 0o640, size: 2, mtime: 1600000000 }, Buffer.from('zz')),
    EOA,
  ])],
  ['a continuation of another volume, which GNU tar refuses', Buffer.concat([
    member({ typeflag: 'M', name: 'm', mode: 0o640, size: 2, mtime: 1600000000 }, Buffer.from('mm')),
    EOA,
  ])],
  ['a file named "." (GNU tar cannot replace the root)', Buffer.concat([
    member({ typeflag: '0', name: '.', mode: 0o640, size: 2, mtime: 1600000000 }, Buffer.from('mm')),
    EOA,
  ])],
] as const) {
  test(`${label}: strata import agrees with GNU tar`, () => {
    const archive = join(made, `${label.replace(/\W+/g, '-')}.tar`);
    writeFileSync(archive, bytes);
    agreesWithGnu(label, archive);
  });
}

test('the root entry sets the root directory\'s metadata', () => {
  const archive = join(made, 'root-meta.tar');
  writeFileSync(archive, Buffer.concat([
    member({ typeflag: '5', name: '/', mode: 0o750, uid: 7, gid: 8, mtime: 1500000000 }),
    member({ typeflag: '0', name: '/f', mode: 0o644, size: 1, mtime: 1600000002 }, Buffer.from('f')),
    EOA,
  ]));
  const id = strataOk(['import', archive], opts).text.trim();
  const rootfs = join(t.root, 'layers', diffIdOf(id).slice('sha256:'.length), 'rootfs');
  const st = lstatSync(rootfs);
  assert.is((st.mode & 0o7777).toString(8), '750');
  assert.is(`${st.uid}:${st.gid}`, '7:8');
  assert.is(Math.floor(st.mtimeMs / 1000), 1500000000);
});

test('a name climbing out of the layer stays refused, absolute or not', () => {
  for (const name of ['/../etc/passwd', '../x', 'a/../../b']) {
    const archive = join(made, 'climb.tar');
    writeFileSync(archive, Buffer.concat([member({ typeflag: '0', name, size: 1 }, Buffer.from('x')), EOA]));
    const r = runStrata(['import', archive], opts);
    assert.is(r.status, 1, name);
    assert.match(r.stderr, /^strata: layer entry "[^"]*": name (climbs out of the layer|has a "\.\." component)\n$/);
  }
});

function diffIdOf(id: string): string {
  return JSON.parse(strataOk(['inspect', id], opts).text)[0].RootFS.Layers[0];
}

test('every corpus image passes check', () => {
  assert.is(runStrata(['check'], opts).status, 0);
});

test.after(() => t.cleanup());
test.run();
