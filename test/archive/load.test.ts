import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadArchive } from '../../src/archive/load.js';
import { platformOf } from '../../src/archive/archive-plan.js';
import { readImage } from '../../src/store/images.js';
import { hasLayer, readLayerIndex } from '../../src/store/layers.js';
import { listTags } from '../../src/store/tags.js';
import { openStore, type Store } from '../../src/store/store.js';
import { buildUmociLayout, run, tempDir } from './umoci-fixture.js';
import { blobPath, expectRefused, firstImage, putBlob, readJson, rewriteFirstImage, sha256, storeListing } from './archive-helpers.js';

let work: string;
let layout: string;
let stores = 0;
/** A fresh store inside `work`, so test.after removes it even when a test fails. */
const fresh = (): Promise<Store> => openStore(join(work, `store-${++stores}`));
const copyLayout = (name: string) => {
  const to = join(work, name);
  rmSync(to, { recursive: true, force: true });
  cpSync(layout, to, { recursive: true });
  return to;
};

test.before(() => {
  work = tempDir();
  layout = buildUmociLayout(work, 'app', 't');
});
test.after(() => rmSync(work, { recursive: true, force: true }));

test('loadArchive: an umoci layout directory keeps layers, whiteouts, opaque dirs, config and history', async () => {
  const store = await fresh();
  const loaded = await loadArchive(store, layout);
  const { config: raw } = firstImage(layout);
  assert.equal(loaded.map((l) => l.refs), [['app:t']]);
  const image = readImage(store, loaded[0]!.id);
  // The config blob is stored byte for byte: the image id is its sha256, as Docker's.
  assert.is(image.raw.toString(), readFileSync(blobPath(layout, firstImage(layout).manifest.config.digest), 'utf8'));
  assert.is(image.id, sha256(image.raw));
  assert.equal(image.config.config, raw.config);
  assert.equal(image.config.config?.Entrypoint, ['/bin/tool']);
  assert.equal(image.config.config?.Cmd, ['sh', '-c']);
  assert.is(image.config.config?.WorkingDir, '/etc');
  assert.is(image.config.config?.User, '1000:1000');
  assert.equal(image.config.config?.Labels, { 'org.example.k': 'v' });
  assert.equal(image.config.history?.map((h) => h.created_by), ['step one', 'step two', 'step three', 'config step']);

  const [one, two, three] = image.config.rootfs.diff_ids.map((d) => readLayerIndex(store, d));
  assert.is(one!.entries.get('/etc/hl' as never)?.hardlinkOf, '/etc/a');
  assert.is(one!.entries.get('/lnk' as never)?.linkTarget, '/etc/a');
  assert.is(one!.entries.get('/fifo' as never)?.type, 'fifo');
  const dev = one!.entries.get('/dev/c' as never);
  assert.equal([dev?.type, dev?.devMajor, dev?.devMinor], ['char', 1, 3]);
  assert.is(one!.entries.get('/bin/tool' as never)?.mode, 0o4755);
  assert.equal([...two!.whiteouts].sort(), ['/etc/d/sub', '/gone']);
  assert.ok(two!.entries.has('/etc/d/new' as never));
  assert.equal([...three!.opaque], ['/etc/d']);
  assert.ok(three!.entries.has('/etc/d/fresh' as never));
  assert.equal(listTags(store), new Map([['app:t', image.id]]));
});

test('loadArchive: NAME replaces the name of every reference; an explicit tag replaces the tags', async () => {
  const store = await fresh();
  assert.equal((await loadArchive(store, layout, { name: 'mine' }))[0]!.refs, ['mine:t']);
  assert.equal((await loadArchive(store, layout, { name: 'reg.example:5000/x/y:2' }))[0]!.refs, ['reg.example:5000/x/y:2']);
  const full = copyLayout('full.oci');
  const index = readJson(join(full, 'index.json'));
  index.manifests[0].annotations['org.opencontainers.image.ref.name'] = 'example.com/team/app:1.0';
  writeFileSync(join(full, 'index.json'), JSON.stringify(index));
  assert.equal((await loadArchive(store, full))[0]!.refs, ['example.com/team/app:1.0'], 'a full reference is kept');
  delete index.manifests[0].annotations;
  writeFileSync(join(full, 'index.json'), JSON.stringify(index));
  const [unnamed] = await loadArchive(store, full);
  assert.equal(unnamed!.refs, [], 'an image the archive does not name gets no tag');
  assert.equal((await loadArchive(store, full, { name: 'named' }))[0]!.refs, ['named:latest']);
});

test('loadArchive: skopeo oci-archive and docker-archive give the same image, RepoTags as given', async () => {
  const store = await fresh();
  const [fromDir] = await loadArchive(store, layout);
  const ociTar = join(work, 'copied.tar');
  const dockerTar = join(work, 'docker.tar');
  run('skopeo', ['copy', '-q', `oci:${layout}:t`, `oci-archive:${ociTar}:v2`]);
  run('skopeo', ['copy', '-q', `oci:${layout}:t`, `docker-archive:${dockerTar}:example/app:v3`]);
  const [fromOciTar] = await loadArchive(store, ociTar);
  const [fromDocker] = await loadArchive(store, dockerTar);
  assert.equal(fromOciTar, { id: fromDir!.id, refs: ['copied:v2'] });
  assert.equal(fromDocker, { id: fromDir!.id, refs: ['docker.io/example/app:v3'] });
});

test('loadArchive: a docker-archive with gzip layers, itself gzip-compressed', async () => {
  const dockerTar = join(work, 'plain-docker.tar');
  run('skopeo', ['copy', '-q', `oci:${layout}:t`, `docker-archive:${dockerTar}:app:gz`]);
  const dir = join(work, 'docker-dir');
  mkdirSync(dir);
  run('tar', ['-C', dir, '-xf', dockerTar]);
  const manifest = readJson(join(dir, 'manifest.json'));
  for (const layer of manifest[0].Layers as string[]) {
    run('gzip', ['-n', join(dir, layer)]);
    renameSync(join(dir, `${layer}.gz`), join(dir, layer));
  }
  const packed = join(work, 'gz-docker.tar');
  // manifest.json first, the layers after it: the reader must not care about order.
  run('tar', ['-C', dir, '-cf', packed, 'manifest.json', ...readdirSync(dir).filter((n) => n !== 'manifest.json')]);
  run('gzip', ['-n', packed]);
  const store = await fresh();
  const [image] = await loadArchive(store, `${packed}.gz`);
  assert.equal(image!.refs, ['docker.io/library/app:gz'], 'RepoTags as skopeo wrote them');
  assert.is(image!.id, sha256(readFileSync(join(dir, manifest[0].Config))));
  assert.equal(readdirSync(join(store.root, 'staging')), []);
  rmSync(dir, { recursive: true });
});

test('loadArchive: a nested index is searched for this platform; none for it is a polite refusal', async () => {
  const multi = copyLayout('multi');
  const index = readJson(join(multi, 'index.json'));
  const amd64 = { ...index.manifests[0], platform: { os: 'linux', architecture: 'amd64' } };
  delete amd64.annotations;
  const arm = { mediaType: amd64.mediaType, ...putBlob(multi, { schemaVersion: 2, bogus: true }), platform: { os: 'linux', architecture: 'arm64' } };
  const nested = putBlob(multi, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [arm, amd64] });
  writeFileSync(join(multi, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...nested, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }],
  }));
  const store = await fresh();
  const [image] = await loadArchive(store, multi);
  assert.equal(image!.refs, ['multi:multi']);
  await expectRefused(store.root, () => loadArchive(store, multi, { platform: platformOf('linux', 's390x') }),
    /^load .*: no image for linux\/s390x in the archive \(it has linux\/amd64, linux\/arm64\)$/);
});

test('loadArchive: loading again stores nothing new', async () => {
  const store = await fresh();
  await loadArchive(store, layout);
  const before = storeListing(store.root);
  await loadArchive(store, layout);
  assert.equal(storeListing(store.root), before);
});

// Bad input: a one-line error, and the store exactly as it was.

test('loadArchive: a tampered blob is refused', async () => {
  const bad = copyLayout('tampered');
  const { manifest } = firstImage(bad);
  const path = blobPath(bad, manifest.layers[1].digest);
  const bytes = readFileSync(path);
  bytes[bytes.length - 10] ^= 0xff;
  writeFileSync(path, bytes);
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, bad), /: layer 2 of manifest sha256:[0-9a-f]{12} \(sha256:[0-9a-f]{64}\) does not match its digest \(it hashes to sha256:[0-9a-f]{64}\)$/);
});

test('loadArchive: index.json that is not JSON is refused', async () => {
  const bad = copyLayout('badindex');
  writeFileSync(join(bad, 'index.json'), '{"schemaVersion": 2, manifests');
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, bad), /: index\.json is not JSON$/);
});

test('loadArchive: a manifest blob that is not JSON is refused', async () => {
  const bad = copyLayout('badmanifest');
  const index = readJson(join(bad, 'index.json'));
  Object.assign(index.manifests[0], putBlob(bad, Buffer.from('not json')));
  writeFileSync(join(bad, 'index.json'), JSON.stringify(index));
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, bad), /: manifest sha256:[0-9a-f]{12} is not JSON$/);
});

test('loadArchive: a docker manifest.json that is not JSON is refused', async () => {
  const dir = join(work, 'docker-bad');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), '[{"Config": ');
  const tar = join(work, 'docker-bad.tar');
  run('tar', ['-C', dir, '-cf', tar, 'manifest.json']);
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, tar), /: manifest\.json is not JSON$/);
});

/** skopeo's docker-archive of the fixture, unpacked into a directory to be damaged and packed again. */
function dockerArchiveDir(name: string): { dir: string; manifest: any; pack(): string } {
  const tar = join(work, `${name}-src.tar`);
  rmSync(tar, { force: true });
  run('skopeo', ['copy', '-q', `oci:${layout}:t`, `docker-archive:${tar}:app:t`]);
  const dir = join(work, name);
  mkdirSync(dir);
  run('tar', ['-C', dir, '-xf', tar]);
  return {
    dir,
    manifest: readJson(join(dir, 'manifest.json')),
    pack() {
      const out = join(work, `${name}.tar`);
      run('tar', ['-C', dir, '-cf', out, '.']);
      return out;
    },
  };
}

test('loadArchive: a docker-archive layer whose diff_id is not the config\'s is refused', async () => {
  const docker = dockerArchiveDir('docker-diffid');
  writeFileSync(join(docker.dir, 'extra'), 'extra');
  run('tar', ['-C', docker.dir, '-rf', join(docker.dir, docker.manifest[0].Layers[0]), 'extra']);
  rmSync(join(docker.dir, 'extra'));
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, docker.pack()), /: layer 1 of manifest\.json entry 1 \([0-9a-f]{64}\.tar\) has diff_id sha256:[0-9a-f]{64}, the config says sha256:[0-9a-f]{64}$/);
});

test('loadArchive: a docker-archive config that is not the one its name states is refused', async () => {
  const docker = dockerArchiveDir('docker-config');
  const configPath = join(docker.dir, docker.manifest[0].Config);
  writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('"Cmd":["sh","-c"]', '"Cmd":["rm","-rf","/"]'));
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, docker.pack()), /: config of manifest\.json entry 1 does not match its digest sha256:[0-9a-f]{64} \(it hashes to sha256:[0-9a-f]{64}\)$/);
});

test('loadArchive: a missing blob is refused', async () => {
  const bad = copyLayout('missing');
  rmSync(blobPath(bad, firstImage(bad).manifest.layers[2].digest));
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, bad), /: layer 3 of manifest sha256:[0-9a-f]{12} \(sha256:[0-9a-f]{64}\) is missing from the archive$/);
});

test('loadArchive: a layer whose diff_id is not the config\'s is refused', async () => {
  const bad = copyLayout('diffid');
  rewriteFirstImage(bad, { config: (c) => { c.rootfs.diff_ids[2] = sha256('something else'); } });
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, bad), /: layer 3 of manifest sha256:[0-9a-f]{12} \(sha256:[0-9a-f]{64}\) has diff_id sha256:[0-9a-f]{64}, the config says sha256:[0-9a-f]{64}$/);
});

test('loadArchive: an unsupported layer mediaType is refused', async () => {
  const bad = copyLayout('mediatype');
  rewriteFirstImage(bad, { manifest: (m) => { m.layers[0].mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted'; } });
  const store = await fresh();
  await expectRefused(store.root, () => loadArchive(store, bad), /: manifest sha256:[0-9a-f]{12} has layer sha256:[0-9a-f]{64} of unsupported mediaType "application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip\+encrypted"$/);
});

test('loadArchive: a layer the unpacker refuses takes back the layers published before it', async () => {
  const bad = copyLayout('unsafe');
  const evil = join(work, 'evil');
  mkdirSync(join(evil, 'sub'), { recursive: true });
  writeFileSync(join(evil, 'sub', 'x'), 'x');
  const evilTar = join(work, 'evil.tar');
  run('tar', ['-C', evil, '-cf', evilTar, '--transform', 's|^sub/x$|../../escape|', 'sub/x']);
  const blob = putBlob(bad, readFileSync(evilTar));
  rewriteFirstImage(bad, {
    config: (c) => { c.rootfs.diff_ids.push(blob.digest); c.history.push({ created_by: 'evil' }); },
    manifest: (m) => { m.layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...blob }); },
  });
  const store = await fresh();
  const diffIds = firstImage(bad).config.rootfs.diff_ids as string[];
  await expectRefused(store.root, () => loadArchive(store, bad), /^load .*: layer 4 of manifest sha256:[0-9a-f]{12}: layer entry "..\/..\/escape": name climbs out of the layer$/);
  assert.not.ok(diffIds.some((d) => hasLayer(store, d)), 'no layer of the failed load stays');
});

test.run();
