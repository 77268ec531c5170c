// A name can never take over an id, through dist/strata. Every way a name gets into a store — tag,
// import, commit, load of a docker-archive or an OCI layout, a tag file planted in the store — is
// tried with a name that reads as busybox's id (sha256:<id>, the 64 hex digits, a 12-digit
// prefix), and afterwards busybox's id must still resolve to busybox for inspect, ls and run.
// Containers get the same treatment: a name like another container's id prefix never shadows it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTar } from '../import/tar-fixtures.js';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';
import { storeListing } from '../archive/archive-helpers.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;
const strata = (...args: string[]) => runStrata(args, opts);

const busyboxId: string = JSON.parse(ok('inspect', 'busybox'))[0].Id;
const hex = busyboxId.slice(7);
const evilTar = join(t.scratch, 'evil.tar');
writeFileSync(evilTar, makeTar([{ name: 'etc/', type: 'dir' }, { name: 'etc/evil', content: 'evil\n' }, { name: 'marker', content: 'evil image\n' }]));
const evilId = ok('import', evilTar, 'evil').trim();

/** Every way of writing busybox's id still names busybox, for inspect, ls and run. */
function assertBusyboxKeepsItsId(): void {
  for (const ref of [busyboxId, hex]) {
    assert.is(JSON.parse(ok('inspect', ref))[0].Id, busyboxId, `inspect ${ref}`);
    const etc = ok('ls', `${ref}:/etc`);
    assert.ok(etc.includes('passwd') && !etc.includes('evil'), `ls ${ref}:/etc`);
  }
  assert.is(ok('run', '--rm', busyboxId, 'cat', '/etc/hostname').length > 0, true);
  assert.is(strata('run', '--rm', hex, 'cat', '/marker').status, 1, 'run by id is busybox, which has no /marker');
  const prefix = strata('inspect', hex.slice(0, 12));
  if (prefix.status === 0) assert.is(JSON.parse(prefix.stdout.toString())[0].Id, busyboxId);
}

/** A refused command line: the status, one "strata: " line saying why, the store unchanged. */
function assertRefused(args: string[], status: number): void {
  const before = storeListing(t.root);
  const r = strata(...args);
  assert.is(r.status, status, `${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, /^strata: [^\n]*(image id|not a valid reference)[^\n]*\n/);
  assert.equal(storeListing(t.root), before, `${args.join(' ')} changed the store`);
}

test('tag refuses a name that is sha256:<id>, the 64 hex digits, or any sha256:TAG', () => {
  assertRefused(['tag', 'evil', busyboxId], 2);
  assertRefused(['tag', 'evil', hex], 2);
  assertRefused(['tag', 'evil', `${hex}:v1`], 2);
  assertRefused(['tag', 'evil', 'sha256:latest'], 2);
  assertBusyboxKeepsItsId();
});

test('a tag named like a 12-digit id prefix never shadows the id: the reference is ambiguous, naming both', () => {
  const prefix = hex.slice(0, 12);
  const tagged = strata('tag', 'evil', prefix);
  if (tagged.status === 0) {
    for (const args of [['inspect', prefix], ['ls', `${prefix}:/etc`], ['run', '--rm', prefix, 'true']]) {
      const r = strata(...args);
      assert.ok(r.status === 1 || r.status === 125, `${args.join(' ')} exited ${r.status}`);
      assert.match(r.stderr, /^strata: [^\n]*ambiguous[^\n]*\n$/);
      assert.ok(r.stderr.includes(evilId.slice(7, 19)) && r.stderr.includes(prefix), `names both images: ${r.stderr}`);
    }
    // NAME:TAG still names the tag.
    assert.is(JSON.parse(ok('inspect', `${prefix}:latest`))[0].Id, evilId);
    ok('rmi', `${prefix}:latest`);
  }
  assertBusyboxKeepsItsId();
});

test('import refuses a name that reads as an id', () => {
  assertRefused(['import', evilTar, hex], 2);
  assertRefused(['import', evilTar, busyboxId], 2);
  assertBusyboxKeepsItsId();
});

test('commit refuses a name that reads as an id', () => {
  ok('run', '--name', 'to-commit', 'busybox', 'true');
  assertRefused(['commit', 'to-commit', hex], 2);
  assertRefused(['commit', 'to-commit', busyboxId], 2);
  ok('rm', 'to-commit');
  assertBusyboxKeepsItsId();
});

/** `save` of the evil image, its manifest.json's RepoTags replaced, tarred again. */
function dockerArchiveNamed(repoTags: string[]): string {
  const dir = join(t.scratch, `docker-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  ok('save', 'evil', '-o', join(dir, 'saved.tar'));
  execFileSync('tar', ['-xf', 'saved.tar'], { cwd: dir });
  rmSync(join(dir, 'saved.tar'));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest[0].RepoTags = repoTags;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const out = `${dir}.tar`;
  execFileSync('tar', ['-cf', out, '-C', dir, 'manifest.json', 'blobs']);
  return out;
}

/** `save --format oci` of the evil image, unpacked, its ref name replaced. */
function ociLayoutNamed(refName: string): string {
  const dir = join(t.scratch, `oci-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  ok('save', '--format', 'oci', 'evil', '-o', join(dir, 'saved.tar'));
  execFileSync('tar', ['-xf', 'saved.tar'], { cwd: dir });
  rmSync(join(dir, 'saved.tar'));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  index.manifests[0].annotations['org.opencontainers.image.ref.name'] = refName;
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return dir;
}

test('load refuses a docker-archive whose RepoTags hold sha256:<id> or the 64 hex digits, and loads nothing', () => {
  const archives = [[busyboxId], [hex], ['fine:1', `${hex}:latest`]].map(dockerArchiveNamed);
  ok('rmi', 'evil'); // so that a refused load could not be mistaken for the image already there
  try {
    for (const archive of archives) assertRefused(['load', archive], 1);
    assertBusyboxKeepsItsId();
  } finally {
    ok('import', evilTar, 'evil');
  }
});

test('load refuses an OCI layout whose ref name is sha256:<id>, and a NAME that reads as an id', () => {
  assertRefused(['load', ociLayoutNamed(busyboxId)], 1);
  assertRefused(['load', ociLayoutNamed('1.0'), hex], 2);
  assertBusyboxKeepsItsId();
});

test('a tag file planted in the store under an id\'s name takes nothing over, is not listed, and check reports it', () => {
  const planted = [busyboxId, `${hex}:latest`].map((ref) => join(t.root, 'tags', encodeURIComponent(ref)));
  for (const file of planted) writeFileSync(file, `${evilId}\n`);
  try {
    assertBusyboxKeepsItsId();
    assert.not.match(ok('images'), new RegExp(hex));
    const check = strata('check');
    assert.is(check.status, 1);
    const lines = check.stdout.toString().trim().split('\n');
    assert.ok(lines.some((l) => l.startsWith(`tag ${busyboxId}: `)), check.stdout.toString());
    assert.ok(lines.some((l) => l.startsWith(`tag ${hex}:latest: `)), check.stdout.toString());
  } finally {
    for (const file of planted) rmSync(file);
  }
});

test('containers: a name like another container\'s id prefix is ambiguous, naming both; an id-shaped name is refused', () => {
  ok('run', '--name', 'first', 'busybox', 'true');
  const firstId = ok('ps', '-a', '--no-trunc', '--json').trim().split('\n').map((l) => JSON.parse(l)).find((c) => c.Names === 'first').ID as string;
  const prefix = firstId.slice(0, 12);
  ok('run', '--name', prefix, 'busybox', 'touch', '/by-name');
  const r = strata('diff', prefix);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^strata: [^\n]*ambiguous[^\n]*\n$/);
  assert.ok(r.stderr.includes(prefix), r.stderr);
  // The full id still names the first container.
  assert.is(ok('diff', firstId), '');
  const idShaped = 'a'.repeat(32);
  const named = strata('run', '--name', idShaped, 'busybox', 'true');
  assert.is(named.status, 2, named.stderr);
  assert.match(named.stderr, /looks like a container id/);
  ok('rm', firstId);
  ok('rm', prefix);
});

test('check is clean after all of it', () => {
  const r = strata('check');
  assert.is(r.stdout.toString() + r.stderr, '');
  assert.is(r.status, 0);
});

test.run();
