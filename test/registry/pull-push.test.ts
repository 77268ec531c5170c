// strata push and pull against the CNCF distribution registry, with skopeo as the independent
// client both ways: what strata pushes skopeo reads and copies (and the copy loads back to the
// same image id); what skopeo pushes (gzip, zstd) strata pulls to the image id and diff_ids `load`
// gives for the same archive, and runs, also by NAME@sha256:<manifest digest>.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runStrata, strataOk, tempStore, type TempStore } from '../helpers/cli.js';
import { startRegistry, type Registry } from '../helpers/registry.js';
import { diffIds, getManifest, imageId, layeredImage, skopeo } from './registry-helpers.js';

let registry: Registry;
let store: TempStore;

test.before(async () => {
  registry = await startRegistry();
  store = tempStore();
});
test.after(async () => {
  await registry.stop();
  store.cleanup();
});

test('push: skopeo reads the pushed image, at the digest strata printed, and its copy loads back to the same id', () => {
  const { root, scratch } = store;
  const id = imageId(root, 'busybox');
  const out = strataOk(['push', 'busybox', `${registry.host}/test/busybox:v1`], { root }).text;
  const m = /^(\S+):v1@(sha256:[0-9a-f]{64})\n$/.exec(out);
  assert.ok(m, out);
  assert.is(m![1], `${registry.host}/test/busybox`);
  const inspected = JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/test/busybox:v1`]));
  assert.is(inspected.Digest, m![2]);
  assert.equal(inspected.Layers, diffIds(root, 'busybox'));
  const raw = skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/test/busybox:v1`]);
  assert.is(JSON.parse(raw).config.digest, id);
  const layout = join(scratch, 'copied');
  skopeo(['copy', '-q', '--src-tls-verify=false', `docker://${registry.host}/test/busybox:v1`, `oci:${layout}:v1`]);
  const other = tempStore();
  try {
    strataOk(['load', layout, 'copied'], { root: other.root });
    assert.is(imageId(other.root, 'copied:v1'), id);
  } finally {
    other.cleanup();
  }
});

test('pull: what skopeo pushed (Docker schema 2, gzip layers) arrives with the ids load gives, runs, and is found by its digest', () => {
  const { root, scratch } = store;
  const id = layeredImage(root, 'two:layers', 64 * 1024, 'gzip-marker');
  const archive = join(scratch, 'two.tar');
  strataOk(['save', 'two:layers', '-o', archive], { root });
  skopeo(['copy', '-q', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${registry.host}/sk/two:gz`]);
  const manifest = JSON.parse(skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/sk/two:gz`]));
  assert.ok(manifest.layers.every((l: { mediaType: string }) => /gzip/.test(l.mediaType)), 'skopeo compressed the layers');
  assert.is(manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json', 'a Docker schema 2 manifest');
  const digest = JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/sk/two:gz`])).Digest as string;

  const fresh = tempStore();
  try {
    const out = strataOk(['pull', `${registry.host}/sk/two:gz`], { root: fresh.root }).text;
    assert.match(out, `Digest: ${digest}`);
    assert.is(imageId(fresh.root, `${registry.host}/sk/two:gz`), id);
    strataOk(['load', archive, 'loaded'], { root: fresh.root });
    assert.is(imageId(fresh.root, 'loaded:layers'), id);
    assert.equal(diffIds(fresh.root, `${registry.host}/sk/two:gz`), diffIds(fresh.root, 'loaded:layers'));
    assert.is(strataOk(['run', '--rm', `${registry.host}/sk/two@${digest}`, 'cat', '/marker'], { root: fresh.root }).text, 'gzip-marker\n');
    // The RepoDigest is a record `check` knows.
    assert.is(runStrata(['check'], { root: fresh.root }).status, 0);
    const listed = strataOk(['images', '--digests'], { root: fresh.root }).text;
    assert.match(listed, new RegExp(`${registry.host.replace(/\./g, '\\.')}/sk/two\\s+gz\\s+${digest}`));
    // A bare sha256: stays an image id: the manifest digest names no image.
    const bare = runStrata(['run', '--rm', digest, 'true'], { root: fresh.root });
    assert.is(bare.status, 125);
    assert.match(bare.stderr, 'not found');
    // A digest this store never pulled names nothing, even for a known name.
    const unknown = runStrata(['run', '--rm', `${registry.host}/sk/two@sha256:${'0'.repeat(64)}`, 'true'], { root: fresh.root });
    assert.is(unknown.status, 125);
    assert.match(unknown.stderr, "not found");
  } finally {
    fresh.cleanup();
  }
});

test('pull: zstd layers (skopeo --dest-compress-format zstd) by digest; the tag is not set, the digest is', () => {
  const { root, scratch } = store;
  layeredImage(root, 'zs:t', 32 * 1024, 'zstd-marker');
  const archive = join(scratch, 'zs.tar');
  strataOk(['save', 'zs:t', '-o', archive], { root });
  skopeo(['copy', '-q', '--dest-tls-verify=false', '--dest-compress-format', 'zstd', `docker-archive:${archive}`, `docker://${registry.host}/sk/zs:1`]);
  const raw = skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/sk/zs:1`]);
  assert.ok(JSON.parse(raw).layers.some((l: { mediaType: string }) => /zstd/.test(l.mediaType)), raw);
  // Converting to zstd makes skopeo write an OCI config: the image id is that config's digest.
  const id = JSON.parse(raw).config.digest as string;
  const digest = JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/sk/zs:1`])).Digest as string;
  const fresh = tempStore();
  try {
    strataOk(['pull', `${registry.host}/sk/zs@${digest}`], { root: fresh.root });
    assert.is(imageId(fresh.root, `${registry.host}/sk/zs@${digest}`), id);
    assert.equal(diffIds(fresh.root, `${registry.host}/sk/zs@${digest}`), diffIds(root, 'zs:t'));
    assert.is(runStrata(['inspect', `${registry.host}/sk/zs:latest`], { root: fresh.root }).status, 1);
    assert.is(strataOk(['run', '--rm', `${registry.host}/sk/zs@${digest}`, 'cat', '/marker'], { root: fresh.root }).text, 'zstd-marker\n');
  } finally {
    fresh.cleanup();
  }
});

test('round trip: strata push then strata pull into another store gives the same id, and the manifest is the bytes of the printed digest', async () => {
  const { root } = store;
  const id = layeredImage(root, 'round:trip', 4096, 'round-marker');
  const out = strataOk(['push', 'round:trip', `${registry.host}/rt/app:1`], { root }).text.trim();
  const digest = out.slice(out.indexOf('@') + 1);
  const { bytes } = await getManifest(registry.host, 'rt/app', '1');
  assert.is('sha256:' + (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'), digest);
  const fresh = tempStore();
  try {
    strataOk(['pull', `${registry.host}/rt/app:1`], { root: fresh.root });
    assert.is(imageId(fresh.root, `${registry.host}/rt/app:1`), id);
    assert.is(imageId(fresh.root, `${registry.host}/rt/app@${digest}`), id);
  } finally {
    fresh.cleanup();
  }
  // The pusher records the RepoDigest too; it goes with the image.
  assert.is(imageId(root, `${registry.host}/rt/app@${digest}`), id);
  assert.is(readdirSync(join(root, 'digests')).filter((f) => decodeURIComponent(f) === `${registry.host}/rt/app@${digest}`).length, 1);
  strataOk(['rmi', 'round:trip'], { root });
  assert.is(runStrata(['inspect', `${registry.host}/rt/app@${digest}`], { root }).status, 1);
  assert.is(readdirSync(join(root, 'digests')).filter((f) => decodeURIComponent(f).startsWith(`${registry.host}/rt/app@`)).length, 0);
});

test('pull: an image that is not there is one line, exit 1, and the store is unchanged', () => {
  const { root } = store;
  const before = readFileSync(join(root, 'format'), 'utf8');
  const r = runStrata(['pull', `${registry.host}/nothing/here:1`], { root });
  assert.is(r.status, 1);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^strata: .*no such image/);
  assert.is(readFileSync(join(root, 'format'), 'utf8'), before);
});

test('bad names are usage errors (exit 2)', () => {
  const { root } = store;
  for (const args of [['pull', `${registry.host}/UPPER:1`], ['pull', `${registry.host}/a@sha256:abc`], ['push', 'busybox', `${registry.host}/a@sha256:${'1'.repeat(64)}`]]) {
    const r = runStrata(args, { root });
    assert.is(r.status, args[0] === 'push' ? 1 : 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test.run();
