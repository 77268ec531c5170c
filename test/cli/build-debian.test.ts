// The seed's example end to end: a Debian base (mmdebstrap minbase) and a Dockerfile that
// installs one small package per RUN step from the Debian mirror, with --net host. The image is
// the base plus two layers; a second image from the same base shares the base layer on disk;
// `uname -r` in both is the host's kernel; saved with `strata save`, the image loads into podman
// and runs there with the same output as under strata.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { strataOk, tempStore } from '../helpers/cli.js';
import { debianTar } from '../helpers/debian-rootfs.js';

const t = tempStore();
const opts = { root: t.root, timeoutMs: 600_000 };
const ok = (...args: string[]) => strataOk(args, opts).text;
const layersOf = (ref: string): string[] => JSON.parse(ok('inspect', ref))[0].RootFS.Layers;

function dockerfile(dir: string, first: string, second: string): string {
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), [
    'FROM debian:bookworm',
    `RUN apt-get update && apt-get install -y --no-install-recommends ${first}`,
    `RUN apt-get install -y --no-install-recommends ${second}`,
    '',
  ].join('\n'));
  return dir;
}

const CHECK = ['sh', '-c', 'tree --version | cut -d" " -f1-2; echo 6*7 | bc; uname -r'];

test('the seed example: a Debian base and two apt-get RUN steps give the base plus two layers', () => {
  ok('import', debianTar(), 'debian:bookworm');
  const base = layersOf('debian:bookworm');
  ok('build', '--net', 'host', '-t', 'seed:tree-bc', dockerfile(join(t.scratch, 'one'), 'tree', 'bc'));
  const layers = layersOf('seed:tree-bc');
  assert.is(layers.length, base.length + 2);
  assert.equal(layers.slice(0, base.length), base);
  assert.is(ok('run', '--rm', 'seed:tree-bc', ...CHECK), `tree v2.1.0\n42\n${release()}\n`);
  assert.match(ok('history', 'seed:tree-bc'), /RUN \/bin\/sh -c apt-get install -y --no-insta…/);
});

test('a second image from the same base shares the base layer on disk', () => {
  ok('build', '--net', 'host', '-t', 'seed:less-bc', dockerfile(join(t.scratch, 'two'), 'less', 'bc'));
  const base = layersOf('debian:bookworm');
  const other = layersOf('seed:less-bc');
  assert.equal(other.slice(0, base.length), base);
  assert.not.equal(other.slice(base.length), layersOf('seed:tree-bc').slice(base.length));
  // One directory for the base layer, used by both images: the store holds the base once (and
  // the busybox image every store starts with).
  const dirs = readdirSync(join(t.root, 'layers'));
  assert.is(dirs.length, layersOf('busybox').length + base.length + 4);
  const baseDir = join(t.root, 'layers', base[0]!.slice(7), 'rootfs', 'usr', 'bin', 'apt-get');
  assert.ok(statSync(baseDir).isFile());
  assert.is(ok('run', '--rm', 'seed:less-bc', 'uname', '-r'), `${release()}\n`);
});

test('saved with strata save, the image loads into podman and runs there with the same output', () => {
  const podmanRoot = join(t.scratch, 'podman');
  const podman = ['--root', join(podmanRoot, 'root'), '--runroot', join(podmanRoot, 'run'), '--storage-driver', 'overlay'];
  const archive = join(t.scratch, 'seed.tar');
  ok('save', 'seed:tree-bc', '-o', archive);
  try {
    execFileSync('podman', [...podman, 'load', '-q', '-i', archive], { stdio: 'ignore', timeout: 300_000 });
    // This machine's flags for podman (bench/rows/run.mjs): runc, no network, its ulimits.
    const out = execFileSync('podman', [...podman, '--runtime', '/usr/bin/runc', 'run', '--rm', '--network=none',
      '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', 'localhost/seed:tree-bc', ...CHECK], { timeout: 300_000 }).toString();
    assert.is(out, ok('run', '--rm', 'seed:tree-bc', ...CHECK));
  } finally {
    try {
      execFileSync('podman', [...podman, 'rmi', '-a', '-f'], { stdio: 'ignore', timeout: 120_000 });
    } catch {
      // Removed with its directory below all the same.
    }
    rmSync(podmanRoot, { recursive: true, force: true });
  }
});

test.run();
