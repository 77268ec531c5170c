// Images for another platform: load takes one (--platform, or the archive's only one, with a
// warning); it can be inspected, read and saved; run refuses it with one line naming both
// platforms, leaving the store as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const s = tempStore();
test.after(() => s.cleanup());
const ok = (root: string, ...args: string[]) => strataOk(args, { root }).text;
const HOST = `linux/${{ x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64'] ?? process.arch}`;
const OTHER = HOST === 'linux/arm64' ? { os: 'linux', architecture: 'amd64' } : { os: 'linux', architecture: 'arm64', variant: 'v8' };
const OTHER_NAME = `${OTHER.os}/${OTHER.architecture}${'variant' in OTHER ? `/${OTHER.variant}` : ''}`;

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** busybox's OCI layout from `strata save`, extracted, its one image read back as its parts. */
function busyboxLayout(): { dir: string; config: any; manifest: any } {
  const dir = join(s.scratch, 'bb-oci');
  mkdirSync(dir, { recursive: true });
  ok(s.root, 'save', '--format', 'oci', 'busybox', '-o', join(s.scratch, 'bb-oci.tar'));
  execFileSync('tar', ['-xf', join(s.scratch, 'bb-oci.tar'), '-C', dir]);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const blob = (d: string) => readFileSync(join(dir, 'blobs/sha256', d.slice(7)));
  const manifest = JSON.parse(blob(index.manifests[0].digest).toString());
  return { dir, config: JSON.parse(blob(manifest.config.digest).toString()), manifest };
}

function putBlob(dir: string, doc: unknown): { digest: string; size: number } {
  const bytes = Buffer.from(JSON.stringify(doc));
  writeFileSync(join(dir, 'blobs/sha256', sha(bytes).slice(7)), bytes);
  return { digest: sha(bytes), size: bytes.length };
}

/** A layout with busybox's layers once per platform given (same layers, the config saying the
 * platform), each listed in index.json with its platform and a ref name. */
function layoutFor(name: string, platforms: { os: string; architecture: string; variant?: string }[]): { dir: string; ids: string[] } {
  const base = busyboxLayout();
  const dir = join(s.scratch, name);
  execFileSync('cp', ['-a', base.dir, dir]);
  const ids: string[] = [];
  const manifests = platforms.map((p, i) => {
    const config = putBlob(dir, { ...base.config, ...p });
    ids.push(config.digest);
    const manifest = putBlob(dir, { ...base.manifest, config: { ...base.manifest.config, ...config } });
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, platform: p, annotations: { 'org.opencontainers.image.ref.name': `${name}:${i}` } };
  });
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  return { dir, ids };
}

function storeListing(root: string): string {
  return execFileSync('find', [root, '-path', `${root}/staging`, '-prune', '-o', '-print'], { encoding: 'utf8' }).split('\n').sort().join('\n');
}

test('load: an archive whose only image is for another platform loads it with a one-line warning', () => {
  const { dir, ids } = layoutFor('foreign', [OTHER]);
  const r = runStrata(['load', dir], { root: s.root });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.toString(), 'Loaded image: foreign:0\n');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^strata: warning: .*no image for this machine/);
  assert.ok(r.stderr.includes(HOST) && r.stderr.includes(OTHER_NAME), r.stderr);
  const [rec] = JSON.parse(ok(s.root, 'inspect', 'foreign:0'));
  assert.is(rec.Id, ids[0]);
  assert.is(rec.Architecture, OTHER.architecture);
});

test('an image for another platform is read (ls, cat, tree, history) and saved, and its save loads back', () => {
  assert.ok(ok(s.root, 'ls', 'foreign:0:/bin').includes('busybox'));
  assert.match(ok(s.root, 'cat', 'foreign:0:/etc/os-release'), /ID=busybox/);
  assert.ok(ok(s.root, 'tree', 'foreign:0').split('\n').includes('/etc/passwd'));
  ok(s.root, 'history', 'foreign:0');
  for (const format of ['docker', 'oci']) {
    const file = join(s.scratch, `foreign-${format}.tar`);
    ok(s.root, 'save', '--format', format, 'foreign:0', '-o', file);
    const t = tempStore();
    try {
      // --platform names it: no warning.
      const r = runStrata(['load', '--platform', OTHER_NAME, file], { root: t.root });
      assert.is(r.status, 0, r.stderr);
      assert.is(r.stderr, '');
      assert.is(JSON.parse(ok(t.root, 'inspect', 'foreign:0'))[0].Id, JSON.parse(ok(s.root, 'inspect', 'foreign:0'))[0].Id, format);
    } finally {
      t.cleanup();
    }
  }
});

test('run of an image for another platform: one line naming both platforms, no container, exit 125 (run itself failed)', () => {
  const before = storeListing(s.root);
  for (const args of [['run', 'foreign:0', '--', 'true'], ['run', '--rm', 'foreign:0'], ['run', '-d', '--name', 'x', 'foreign:0', '--', 'sleep', '1']]) {
    const r = runStrata(args, { root: s.root });
    assert.is(r.status, 125, args.join(' '));
    assert.is(r.stdout.toString(), '');
    assert.match(r.stderr, /^strata: [^\n]*\n$/);
    assert.ok(r.stderr.includes(OTHER_NAME) && r.stderr.includes(HOST), r.stderr);
  }
  assert.is(ok(s.root, 'ps', '-a', '-q'), '');
  assert.is(storeListing(s.root), before);
});

test('load --platform picks among several; without it, this machine\'s; several others need --platform', () => {
  const host = { os: 'linux', architecture: HOST.split('/')[1]! };
  const { dir, ids } = layoutFor('multi', [OTHER, host]);
  const t = tempStore();
  try {
    let r = runStrata(['load', dir], { root: t.root });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stderr, '', 'this machine\'s image is there: no warning');
    assert.is(r.stdout.toString(), 'Loaded image: multi:1\n');
    r = runStrata(['load', '--platform', OTHER_NAME, dir], { root: t.root });
    assert.is(r.stdout.toString(), 'Loaded image: multi:0\n');
    assert.is(JSON.parse(ok(t.root, 'inspect', 'multi:0'))[0].Id, ids[0]);
    // A platform the archive lacks, and a malformed one: refused, the store unchanged.
    const before = storeListing(t.root);
    r = runStrata(['load', '--platform', 'linux/s390x', dir], { root: t.root });
    assert.is(r.status, 1);
    assert.match(r.stderr, /^strata: load .*: no image for linux\/s390x in the archive \(it has linux\/\w+(\/v8)?, linux\/\w+(\/v8)?\)\n$/);
    for (const bad of ['linux', 'linux/arm64/v8/x', 'linux//arm64', 'Linux/../x']) {
      r = runStrata(['load', '--platform', bad, dir], { root: t.root });
      assert.is(r.status, 2, bad);
      assert.match(r.stderr, /^strata: invalid --platform /);
    }
    assert.is(storeListing(t.root), before);
  } finally {
    t.cleanup();
  }
  // Two platforms, neither this machine's: no guess.
  const two = layoutFor('two', [OTHER, { os: 'linux', architecture: 's390x' }]);
  const u = tempStore();
  try {
    const r = runStrata(['load', two.dir], { root: u.root });
    assert.is(r.status, 1);
    assert.match(r.stderr, /^strata: load .*: no image for linux\/\w+ in the archive \(it has .*\); choose one with --platform\n$/);
  } finally {
    u.cleanup();
  }
});

test.run();
