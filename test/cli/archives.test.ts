// save, load, export, efficiency and tree --layer through dist/strata.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTar } from '../import/tar-fixtures.js';
import { BINARY, cleanEnv, runStrata, strataOk, tempStore } from '../helpers/cli.js';

const a = tempStore();
const b = tempStore();
const ok = (root: string, ...args: string[]) => strataOk(args, { root }).text;

test('save -o writes a docker-archive whose layer digests are the diff_ids; load takes it into another store', () => {
  const out = join(a.scratch, 'bb.tar');
  ok(a.root, 'save', 'busybox', '-o', out);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', out, 'manifest.json']).toString());
  assert.equal(manifest[0].RepoTags, ['busybox:latest']);
  const [rec] = JSON.parse(ok(a.root, 'inspect', 'busybox'));
  const layerBytes = execFileSync('tar', ['-xOf', out, manifest[0].Layers[0]], { maxBuffer: 1 << 30 });
  assert.is('sha256:' + createHash('sha256').update(layerBytes).digest('hex'), rec.RootFS.Layers[0]);
  assert.is(ok(b.root, 'load', out, 'copy'), 'Loaded image: copy:latest\n');
  assert.is(JSON.parse(ok(b.root, 'inspect', 'copy'))[0].Id, rec.Id);
  // Saving twice gives the same bytes.
  ok(a.root, 'save', 'busybox', '-o', out + '.2');
  assert.ok(readFileSync(out).equals(readFileSync(out + '.2')));
});

test('save --format oci puts index.json and oci-layout at the root of the tar; to stdout when redirected', () => {
  const r = runStrata(['save', '--format', 'oci', 'busybox'], { root: a.root });
  assert.is(r.status, 0, r.stderr);
  const file = join(a.scratch, 'oci.tar');
  writeFileSync(file, r.stdout);
  const names = execFileSync('tar', ['-tf', file]).toString().split('\n');
  assert.ok(names.includes('index.json') && names.includes('oci-layout'));
});

/** manifest.json and index.json of an archive `save` wrote. */
function savedNames(root: string, args: string[]): { repoTags: string[][]; configs: string[]; refNames: (string | undefined)[]; manifests: string[] } {
  const docker = join(a.scratch, 'names-docker.tar');
  const oci = join(a.scratch, 'names-oci.tar');
  ok(root, 'save', ...args, '-o', docker);
  ok(root, 'save', '--format', 'oci', ...args, '-o', oci);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', docker, 'manifest.json']).toString());
  const index = JSON.parse(execFileSync('tar', ['-xOf', oci, 'index.json']).toString());
  return {
    repoTags: manifest.map((e: any) => e.RepoTags),
    configs: manifest.map((e: any) => e.Config.slice('blobs/sha256/'.length)),
    refNames: index.manifests.map((m: any) => m.annotations?.['org.opencontainers.image.ref.name']),
    manifests: index.manifests.map((m: any) => m.digest),
  };
}

test('save names exactly the references given, none for an image given by id; save A B writes both', () => {
  const s = tempStore();
  try {
    const sok = (...args: string[]) => strataOk(args, { root: s.root }).text;
    const bb = JSON.parse(sok('inspect', 'busybox'))[0].Id as string;
    sok('tag', 'busybox', 'extra:1');
    sok('tag', 'busybox', 'registry.example:5000/team/bb:2');
    // A second image: busybox with one more layer.
    sok('run', '--name', 'c2', 'busybox', '--', 'sh', '-c', 'echo two > /two');
    sok('commit', 'c2', 'other:v2');
    const other = JSON.parse(sok('inspect', 'other:v2'))[0].Id as string;

    // One tag given: only it, though the image has three.
    let n = savedNames(s.root, ['extra:1']);
    assert.equal(n.repoTags, [['extra:1']]);
    assert.equal(n.refNames, ['extra:1']);
    // A name without a tag is NAME:latest, as everywhere.
    n = savedNames(s.root, ['busybox']);
    assert.equal(n.repoTags, [['busybox:latest']]);
    assert.equal(n.refNames, ['busybox:latest']);
    // By full id, sha256: id or a short prefix: no name at all.
    for (const byId of [bb, bb.slice(7), bb.slice(7, 19)]) {
      n = savedNames(s.root, [byId]);
      assert.equal(n.repoTags, [[]], byId);
      assert.equal(n.refNames, [undefined], byId);
    }
    // Two images: one entry each, in order; the same image by two names is one entry with both.
    n = savedNames(s.root, ['other:v2', 'extra:1', 'registry.example:5000/team/bb:2']);
    assert.equal(n.repoTags, [['other:v2'], ['extra:1', 'registry.example:5000/team/bb:2']]);
    assert.equal(n.configs, [other.slice(7), bb.slice(7)]);
    assert.equal(n.refNames, ['other:v2', 'extra:1', 'registry.example:5000/team/bb:2']);
    assert.is(new Set(n.manifests).size, 2);
    // Both load back from the one archive, under those names, into a fresh store.
    const t = tempStore();
    try {
      const out = strataOk(['load', join(a.scratch, 'names-docker.tar')], { root: t.root }).text;
      assert.equal(out.trim().split('\n').sort(), ['Loaded image: extra:1', 'Loaded image: other:v2', 'Loaded image: registry.example:5000/team/bb:2']);
      assert.is(JSON.parse(strataOk(['inspect', 'other:v2'], { root: t.root }).text)[0].Id, other);
      assert.is(strataOk(['run', '--rm', 'other:v2', '--', 'cat', '/two'], { root: t.root }).text, 'two\n');
    } finally {
      t.cleanup();
    }
    // An unknown image among them: one line, nothing written.
    const bad = runStrata(['save', 'busybox', 'nope:1', '-o', join(s.scratch, 'bad.tar')], { root: s.root });
    assert.is(bad.status, 1);
    assert.match(bad.stderr, /^strata: image "nope:1" not found\n$/);
  } finally {
    s.cleanup();
  }
});

test('export writes the merged view, which GNU tar extracts', () => {
  const layers = join(a.scratch, 'layers');
  mkdirSync(layers);
  const out = join(a.scratch, 'flat.tar');
  ok(a.root, 'export', 'busybox', '-o', out);
  execFileSync('tar', ['-xpf', out, '-C', layers]);
  const tree = ok(a.root, 'tree', 'busybox').trim().split('\n');
  const extracted = execFileSync('find', ['.', '-mindepth', '1'], { cwd: layers }).toString().trim().split('\n').map((p) => p.slice(1)).sort();
  assert.equal(extracted, [...tree].sort());
});

test('efficiency reports waste and --lowest-efficiency gates on it; tree --layer cuts the stack', () => {
  // A two-layer image via docker-archive: layer 0 adds /big, layer 1 deletes it.
  const dir = join(a.scratch, 'two');
  mkdirSync(join(dir, 'blobs'), { recursive: true });
  const l0 = makeTar([{ name: 'big', content: Buffer.alloc(4000, 1) }, { name: 'keep', content: 'k' }]);
  const l1 = makeTar([{ name: '.wh.big', content: '' }]);
  const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
  writeFileSync(join(dir, 'l0.tar'), l0);
  writeFileSync(join(dir, 'l1.tar'), l1);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {},
    rootfs: { type: 'layers', diff_ids: [`sha256:${sha(l0)}`, `sha256:${sha(l1)}`] },
    history: [{ created_by: 'ADD big' }, { created_by: 'RUN rm big' }],
  }));
  writeFileSync(join(dir, 'config.json'), config);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['waste:1'], Layers: ['l0.tar', 'l1.tar'] }]));
  const archive = join(a.scratch, 'two.tar');
  execFileSync('tar', ['-cf', archive, '-C', dir, 'manifest.json', 'config.json', 'l0.tar', 'l1.tar']);
  assert.is(ok(a.root, 'load', archive), 'Loaded image: waste:1\n');
  assert.equal(ok(a.root, 'tree', 'waste:1').trim().split('\n'), ['/keep']);
  assert.equal(ok(a.root, 'tree', '--layer', '0', 'waste:1').trim().split('\n'), ['/big', '/keep']);
  // As dive counts it: /big has two copies, 4000 added and 0 for the whiteout of a file; /keep 1.
  // Score (0 + 1) / (4000 + 1).
  const report = JSON.parse(ok(a.root, 'efficiency', '--json', 'waste:1'));
  assert.is(report.wastedBytes, 4000);
  assert.is(report.score, 1 / 4001);
  assert.equal(report.wastedPaths[0], { path: '/big', copies: 2, totalBytes: 4000 });
  assert.match(ok(a.root, 'efficiency', 'waste:1'), /^Efficiency: 0\.0250 %\nWasted space: 4kB/);
  const gate = runStrata(['efficiency', '--lowest-efficiency', '0.9', 'waste:1'], { root: a.root });
  assert.is(gate.status, 1);
  assert.match(gate.stderr, /below the lowest allowed 0.9/);
  assert.is(runStrata(['efficiency', '--lowest-efficiency', '0.0002', 'waste:1'], { root: a.root }).status, 0);
  assert.match(ok(a.root, 'history', 'waste:1'), /RUN rm big[\s\S]*ADD big/);
  const outOfRange = runStrata(['tree', '--layer', '5', 'waste:1'], { root: a.root });
  assert.is(outOfRange.status, 2);
  assert.is(outOfRange.stderr, 'strata: invalid value "5" for --layer: a layer of the image from 0 to 1\n');
});

test('load of a damaged archive leaves the store as it was', () => {
  const before = readdirSync(join(b.root, 'layers')).length;
  const file = join(b.scratch, 'junk.tar');
  execFileSync('tar', ['-cf', file, '-C', '/etc', 'hostname']);
  const r = runStrata(['load', file], { root: b.root });
  assert.is(r.status, 1);
  assert.is(r.stderr.trim().split('\n').length, 1);
  assert.is(readdirSync(join(b.root, 'layers')).length, before);
  assert.is(runStrata(['check'], { root: b.root }).status, 0);
});

/** An imported image of a few files; the host path of its one layer's rootfs. */
function importSmall(root: string, scratchDir: string, name: string): string {
  const file = join(scratchDir, `${name}.tar`);
  writeFileSync(file, makeTar([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/a', content: 'hello\n' },
    { name: 'etc/b', content: Buffer.alloc(200_000, 7) },
    { name: 'etc/empty', content: '' },
  ]));
  ok(root, 'import', file, name);
  const [diffId] = JSON.parse(ok(root, 'inspect', name))[0].RootFS.Layers as string[];
  return join(root, 'layers', diffId!.slice('sha256:'.length), 'rootfs');
}

test('export of a layer file that no longer has its indexed size fails with one line and writes nothing at -o', () => {
  const c = tempStore();
  try {
    const rootfs = importSmall(c.root, c.scratch, 'damaged');
    const out = join(c.scratch, 'out.tar');
    const expectFailure = (pattern: RegExp) => {
      const r = runStrata(['export', 'damaged', '-o', out], { root: c.root });
      assert.is(r.status, 1);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(readdirSync(c.scratch).sort(), ['damaged.tar'], 'neither the archive nor its temporary file');
      const piped = runStrata(['export', 'damaged'], { root: c.root });
      assert.is(piped.status, 1);
      assert.is(piped.stderr.trim().split('\n').length, 1, piped.stderr);
      assert.match(piped.stderr, pattern);
    };
    truncateSync(join(rootfs, 'etc/a'), 2);
    expectFailure(/^strata: \/etc\/a \(layer 0\): the layer holds 2 bytes, its index says 6 bytes$/m);
    writeFileSync(join(rootfs, 'etc/a'), 'hello, and more\n');
    expectFailure(/^strata: \/etc\/a \(layer 0\): the layer holds 16 bytes, its index says 6 bytes$/m);
    // Something other than a file where the file was: refused, and a FIFO does not hang the open.
    rmSync(join(rootfs, 'etc/a'));
    execFileSync('mkfifo', [join(rootfs, 'etc/a')]);
    expectFailure(/^strata: \/etc\/a \(layer 0\): the layer holds no regular file, its index says 6 bytes$/m);
    rmSync(join(rootfs, 'etc/a'));
    mkdirSync(join(rootfs, 'etc/a'));
    expectFailure(/^strata: \/etc\/a \(layer 0\): the layer holds no regular file, its index says 6 bytes: is a directory$/m);
    rmSync(join(rootfs, 'etc/a'), { recursive: true });
    truncateSync(join(rootfs, 'etc/b'), 100_000);
    writeFileSync(join(rootfs, 'etc/a'), 'hello\n');
    expectFailure(/^strata: \/etc\/b \(layer 0\): the layer holds 100000 bytes, its index says 200000 bytes$/m);
    writeFileSync(join(rootfs, 'etc/b'), Buffer.alloc(200_000, 7));
    ok(c.root, 'export', 'damaged', '-o', out);
    assert.equal(execFileSync('tar', ['-tf', out]).toString().trim().split('\n'), ['etc/', 'etc/a', 'etc/b', 'etc/empty']);
  } finally {
    c.cleanup();
  }
});

test('export to a pipe read slowly gives the bytes of export -o; a reader that goes away ends it by SIGPIPE, quietly', () => {
  const file = join(a.scratch, 'slow-o.tar');
  ok(a.root, 'export', 'busybox', '-o', file);
  // The reader sleeps first: the pipe fills, and writes to it fail with EAGAIN until it reads.
  const script = 'set -o pipefail; "$0" --root "$1" export busybox | (sleep 0.3; cat > "$2")';
  execFileSync('bash', ['-c', script, BINARY, a.root, `${file}.piped`], { env: cleanEnv() });
  assert.ok(readFileSync(`${file}.piped`).equals(readFileSync(file)));
  const closed = spawnSync('bash', ['-c', '"$0" --root "$1" export busybox | head -c 100 >/dev/null; echo "${PIPESTATUS[0]}" >&2', BINARY, a.root], { env: cleanEnv(), encoding: 'utf8' });
  assert.equal(closed.stderr.trim().split('\n'), ['141']);
});

test.after(() => {
  a.cleanup();
  b.cleanup();
});
test.run();
