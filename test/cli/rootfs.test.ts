// Real base images through dist/strata: an alpine-shaped minirootfs (gzip, "./" entries, musl
// layout) and a real Debian rootfs from mmdebstrap, in every compression import accepts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, runStrata, strataOk, tempStore } from '../helpers/cli.js';
import { debianTar } from '../helpers/debian-rootfs.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, { ...opts, timeoutMs: 300_000 }).text;

test('an alpine-shaped minirootfs imports with its ./ entries made absolute', () => {
  const file = join(t.scratch, 'alpine-minirootfs.tar.gz');
  execFileSync('bash', [join(REPO, 'layers/alpine/make-minirootfs.sh'), file]);
  ok('import', file, 'alpine:3.20');
  assert.ok(ok('ls', 'alpine:3.20:/lib').split('\n').includes('ld-musl-x86_64.so.1'));
  // /etc/os-release is a relative link into /usr/lib, followed inside the image.
  assert.match(ok('cat', 'alpine:3.20:/etc/os-release'), /alpine/i);
  assert.match(ok('ls', '-l', 'alpine:3.20:/etc/shadow'), /^-\S+\s+0\s+42\s/);
  assert.ok(ok('tree', 'alpine:3.20').split('\n').every((p) => p === '' || (p.startsWith('/') && !p.startsWith('/.'))));
});

test('a real Debian rootfs: every compression, one layer, the merged view equals GNU tar', () => {
  const tar = debianTar();
  const id = ok('import', tar, 'debian:bookworm').trim();
  assert.match(ok('cat', 'debian:bookworm:/etc/os-release'), /VERSION_CODENAME=bookworm/);
  const tree = ok('tree', 'debian:bookworm').trim().split('\n');
  assert.ok(tree.length > 5000, `${tree.length} paths`);
  // The same content compressed three ways is the same layer (diff_id of the uncompressed tar).
  const layers = JSON.parse(ok('inspect', id))[0].RootFS.Layers;
  for (const [tool, ext] of [['gzip', 'gz'], ['xz', 'xz'], ['zstd', 'zst']] as const) {
    const packed = join(t.scratch, `debian.tar.${ext}`);
    execFileSync('sh', ['-c', `${tool} -1 -c < '${tar}' > '${packed}'`]);
    const other = ok('import', packed, `debian:${ext}`).trim();
    assert.equal(JSON.parse(ok('inspect', other))[0].RootFS.Layers, layers, ext);
  }
  // GNU tar's extraction of the original and strata's tree list the same paths.
  const gnu = execFileSync('tar', ['-tf', tar], { maxBuffer: 1 << 28 }).toString().trim().split('\n')
    .map((n) => '/' + n.replace(/^\.\//, '').replace(/\/$/, '')).filter((n) => n !== '/');
  assert.equal([...new Set(gnu)].sort(), [...tree].sort());
  // Byte for byte back out: the saved layer is the original tar.
  const saved = join(t.scratch, 'debian-save.tar');
  ok('save', 'debian:bookworm', '-o', saved);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', saved, 'manifest.json']).toString());
  const layerSha = execFileSync('sh', ['-c', `tar -xOf '${saved}' '${manifest[0].Layers[0]}' | sha256sum`]).toString().split(' ')[0];
  const origSha = execFileSync('sha256sum', [tar]).toString().split(' ')[0];
  assert.is(layerSha, origSha);
  assert.is(runStrata(['check'], opts).status, 0);
});

test.after(() => t.cleanup());
test.run();
