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
  const report = JSON.parse(ok(a.root, 'efficiency', '--json', 'waste:1'));
  assert.is(report.wastedBytes, 8000);
  assert.equal(report.wastedPaths[0], { path: '/big', copies: 2, totalBytes: 8000 });
  assert.match(ok(a.root, 'efficiency', 'waste:1'), /^Efficiency: 50\.0\d+ %\nWasted space: 8kB/);
  const gate = runStrata(['efficiency', '--lowest-efficiency', '0.9', 'waste:1'], { root: a.root });
  assert.is(gate.status, 1);
  assert.match(gate.stderr, /below the lowest allowed 0.9/);
  assert.is(runStrata(['efficiency', '--lowest-efficiency', '0.4', 'waste:1'], { root: a.root }).status, 0);
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
