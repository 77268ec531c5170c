// Multi-platform indexes (OCI and Docker manifest lists), put on the registry by hand: pull takes
// the manifest for this machine (linux/<arch>), --platform another; an index with one foreign
// platform only (beside attestation entries) is taken with a warning; one with several and none
// for this machine is refused in one line, the store unchanged.

import { arch } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runStrata, strataOk, tempStore, type TempStore } from '../helpers/cli.js';
import { startRegistry, type Registry } from '../helpers/registry.js';
import { storeListing } from '../archive/archive-helpers.js';
import { getBlob, getManifest, imageId, putBlob, putManifest } from './registry-helpers.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const HERE = arch() === 'x64' ? 'amd64' : arch();
const FOREIGN = HERE === 'amd64' ? 'arm64' : 'amd64';

let registry: Registry;
let store: TempStore;
/** Descriptors of busybox's manifest for this machine and of a copy whose config says FOREIGN,
 * and s390x, with their image ids. */
const made: Record<string, { descriptor: Record<string, unknown>; id: string }> = {};

test.before(async () => {
  registry = await startRegistry();
  store = tempStore();
  strataOk(['push', 'busybox', `${registry.host}/multi/base:here`], { root: store.root });
  const here = await getManifest(registry.host, 'multi/base', 'here');
  const config = JSON.parse((await getBlob(registry.host, 'multi/base', here.doc.config.digest)).toString('utf8'));
  made[HERE] = { descriptor: { mediaType: OCI_MANIFEST, digest: 'sha256:' + (await import('node:crypto')).createHash('sha256').update(here.bytes).digest('hex'), size: here.bytes.length, platform: { os: 'linux', architecture: HERE } }, id: here.doc.config.digest };
  for (const other of [FOREIGN, 's390x']) {
    const blob = await putBlob(registry.host, 'multi/base', Buffer.from(JSON.stringify({ ...config, architecture: other })));
    const m = await putManifest(registry.host, 'multi/base', other, { ...here.doc, config: { ...here.doc.config, digest: blob.digest, size: blob.size } }, OCI_MANIFEST);
    made[other] = { descriptor: { mediaType: OCI_MANIFEST, digest: m.digest, size: m.size, platform: { os: 'linux', architecture: other } }, id: blob.digest };
  }
});
test.after(async () => {
  await registry.stop();
  store.cleanup();
});

async function index(tag: string, platforms: string[], mediaType = OCI_INDEX): Promise<string> {
  const manifests = platforms.map((p) => p === 'attestation'
    ? { ...made[HERE]!.descriptor, platform: { os: 'unknown', architecture: 'unknown' } }
    : made[p]!.descriptor);
  return (await putManifest(registry.host, 'multi/base', tag, { schemaVersion: 2, mediaType, manifests }, mediaType)).digest;
}

test('an index gives the manifest for this machine; --platform picks another; RepoDigest is the index digest', async () => {
  const digest = await index('both', [FOREIGN, HERE, 's390x']);
  const fresh = tempStore();
  try {
    const r = strataOk(['pull', `${registry.host}/multi/base:both`], { root: fresh.root });
    assert.is(r.stderr, '');
    assert.is(imageId(fresh.root, `${registry.host}/multi/base:both`), made[HERE]!.id);
    assert.is(imageId(fresh.root, `${registry.host}/multi/base@${digest}`), made[HERE]!.id);
    strataOk(['pull', '--platform', `linux/${FOREIGN}`, `${registry.host}/multi/base:both`], { root: fresh.root });
    assert.is(imageId(fresh.root, `${registry.host}/multi/base:both`), made[FOREIGN]!.id);
  } finally {
    fresh.cleanup();
  }
});

test('a Docker manifest list works the same', async () => {
  await index('list', [FOREIGN, HERE], DOCKER_LIST);
  const fresh = tempStore();
  try {
    strataOk(['pull', `${registry.host}/multi/base:list`], { root: fresh.root });
    assert.is(imageId(fresh.root, `${registry.host}/multi/base:list`), made[HERE]!.id);
  } finally {
    fresh.cleanup();
  }
});

test('one foreign platform only (attestations aside): taken, with a warning', async () => {
  await index('foreign', [FOREIGN, 'attestation']);
  const fresh = tempStore();
  try {
    const r = strataOk(['pull', `${registry.host}/multi/base:foreign`], { root: fresh.root });
    assert.match(r.stderr, `strata: warning: `);
    assert.match(r.stderr, `linux/${FOREIGN}`);
    assert.is(imageId(fresh.root, `${registry.host}/multi/base:foreign`), made[FOREIGN]!.id);
  } finally {
    fresh.cleanup();
  }
});

test('several foreign platforms and none for this machine: one line, store unchanged; --platform missing: refused too', async () => {
  await index('others', [FOREIGN, 's390x']);
  const fresh = tempStore();
  try {
    strataOk(['images'], { root: fresh.root });
    const before = storeListing(fresh.root);
    const r = runStrata(['pull', `${registry.host}/multi/base:others`], { root: fresh.root });
    assert.is(r.status, 1);
    assert.is(r.stderr, `strata: ${registry.host}/multi/base:others: no image for linux/${HERE} (it has ${[`linux/${FOREIGN}`, 'linux/s390x'].sort().join(', ')})\n`);
    const strict = runStrata(['pull', '--platform', 'linux/riscv64', `${registry.host}/multi/base:foreign`], { root: fresh.root });
    assert.is(strict.status, 1);
    assert.match(strict.stderr, 'no image for linux/riscv64');
    assert.equal(storeListing(fresh.root), before);
    assert.is(runStrata(['pull', '--platform', 'linux', `${registry.host}/multi/base:both`], { root: fresh.root }).status, 2);
  } finally {
    fresh.cleanup();
  }
});

test.run();
