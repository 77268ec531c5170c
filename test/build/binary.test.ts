// The single binary as shipped: dist/strata runs with no Node.js anywhere, embeds the busybox
// base image, and its bundle passes the checks build.mjs makes (no dynamic import of a builtin,
// the size budget).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAsset } from '../../src/base/assets.js';
import { REPO, requireBinary, strataOk, tempStore } from '../helpers/cli.js';

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}
interface BuildChecks {
  bundleProblems(js: string): string[];
  eagerInputs(metafile: Metafile, entry: string): Set<string>;
  packageOf(input: string): string | undefined;
  bundleEntry(entry: string, outfile: string, version: string, applied?: Set<unknown>, helperDigest?: string): Promise<unknown>;
}
const build = (await import(pathToFileURL(join(REPO, 'build.mjs')).href)) as BuildChecks;
const binary = requireBinary();
const bundlePath = join(REPO, 'dist', 'strata.cjs');
const busyboxTar = join(REPO, 'dist', 'assets', 'busybox.tar');
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

test('--version runs with no node on PATH and an empty environment', () => {
  const r = spawnSync('env', ['-i', 'PATH=/nonexistent', binary, '--version'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, `strata ${version}\n`);
  // No "ExperimentalWarning: Single executable application" line (disableExperimentalSEAWarning).
  assert.is(r.stderr, '');
});

test('images works with no node on PATH and an empty environment: a new store lists busybox', () => {
  const { root, cleanup } = tempStore();
  try {
    const r = spawnSync('env', ['-i', 'PATH=/nonexistent', binary, '--root', root, 'images'], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox\s+latest\s/);
  } finally {
    cleanup();
  }
});

test('the binary embeds dist/assets/busybox.tar as the SEA asset busybox.tar', () => {
  // A copy of the binary far from dist/assets seeds a new store from its own asset: the busybox
  // image's only layer is that tar, byte for byte (its diff_id is the tar's sha256).
  const { root, scratch, cleanup } = tempStore();
  try {
    const copy = join(scratch, 'strata');
    copyFileSync(binary, copy);
    chmodSync(copy, 0o755);
    const r = spawnSync(copy, ['--root', root, '--json', 'inspect', 'busybox'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    assert.is(r.status, 0, r.stderr);
    const [image] = JSON.parse(r.stdout) as { RootFS: { Layers: string[] } }[];
    assert.equal(image!.RootFS.Layers, [`sha256:${sha256(readFileSync(busyboxTar))}`]);
  } finally {
    cleanup();
  }
});

test('readAsset outside the binary reads dist/assets', () => {
  assert.is(sha256(readAsset('busybox.tar')), sha256(readFileSync(busyboxTar)));
});

test('a new store holds busybox:latest from the embedded tar', () => {
  const store = tempStore();
  try {
    const lines = strataOk(['images', '--json'], { root: store.root }).text.trim().split('\n');
    const images = lines.map((l) => JSON.parse(l) as { Repository: string; Tag: string });
    const busybox = images.find((i) => i.Repository === 'busybox' && i.Tag === 'latest');
    assert.ok(busybox, `busybox:latest not in ${lines.join(' | ')}`);
    const [record] = JSON.parse(strataOk(['inspect', 'busybox'], { root: store.root }).text) as { RootFS: { Layers: string[] } }[];
    assert.is(record!.RootFS.Layers.length, 1);
  } finally {
    store.cleanup();
  }
});

test('run uses the helper digest built into the binary: ROOT/helper/strata-helper-<sha256 of the asset>', () => {
  const store = tempStore();
  try {
    strataOk(['run', '--rm', 'busybox', 'true'], { root: store.root });
    const digest = sha256(readFileSync(join(REPO, 'dist', 'assets', 'strata-helper')));
    assert.equal(readdirSync(join(store.root, 'helper')), [`strata-helper-${digest}`]);
  } finally {
    store.cleanup();
  }
});

test('a built-in helper digest that the embedded helper does not match: nothing is extracted, run fails', async () => {
  const store = tempStore();
  try {
    // A bundle made like the binary's but with a wrong digest; as a plain bundle it reads the
    // assets beside it (src/base/assets.ts).
    const dir = join(store.scratch, 'dist');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    for (const name of ['busybox.tar', 'strata-helper']) copyFileSync(join(REPO, 'dist', 'assets', name), join(dir, 'assets', name));
    const wrong = '0'.repeat(64);
    await build.bundleEntry(join(REPO, 'src', 'main.ts'), join(dir, 'strata.cjs'), version, new Set(), wrong);
    const r = spawnSync(process.execPath, [join(dir, 'strata.cjs'), '--root', store.root, 'run', '--rm', 'busybox', 'true'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.is(r.status, 125, r.stderr);
    assert.match(r.stderr, /^strata: .*the embedded helper does not match the digest built into strata/);
    assert.not.ok(existsSync(join(store.root, 'helper', `strata-helper-${wrong}`)));
  } finally {
    store.cleanup();
  }
});

test('a plain run line evaluates neither yargs nor the other commands (the fast path stays lean)', () => {
  const metafile = JSON.parse(readFileSync(join(REPO, 'dist', 'strata.meta.json'), 'utf8')) as Metafile;
  const eager = new Set(['src/main.ts', 'src/cli/run-fast-path.ts', 'src/runtime/containers/run.ts'].flatMap((e) => [...build.eagerInputs(metafile, e)]));
  assert.equal([...eager].filter((p) => ['yargs', 'yargs-parser', 'cliui'].includes(build.packageOf(p) ?? '')), []);
  assert.not.ok(eager.has('src/cli/cli.ts') || eager.has('src/cli/commands/index.ts'), 'cli.ts and the command list load only for other lines');
  assert.ok(build.eagerInputs(metafile, 'src/cli/cli.ts').has('src/cli/commands/index.ts'));
});

test('the bundle has no dynamic import of a builtin and keeps its size budget', () => {
  assert.equal(build.bundleProblems(readFileSync(bundlePath, 'utf8')), []);
});

test('bundleProblems catches what it is there to catch', () => {
  const problems = build.bundleProblems('a=import("node:fs");b=import(\'child_process\');c=import("./x.js");');
  assert.is(problems.length, 2, problems.join('\n'));
  assert.is(build.bundleProblems(' '.repeat(3 * 1024 * 1024 + 1)).length, 1);
});

test.run();
