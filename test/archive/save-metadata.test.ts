import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { dockerManifest, ociLayout } from '../../src/archive/save-metadata.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const image = { config: { digest: d('c'), size: 10 }, layers: [{ digest: d('1'), size: 1024 }, { digest: d('2'), size: 2048 }], refs: ['busybox:latest', 'busybox:1'] };

test('dockerManifest: Config and Layers as blobs/sha256 paths, RepoTags as given', () => {
  const f = dockerManifest([image]);
  assert.is(f.name, 'manifest.json');
  assert.equal(JSON.parse(f.bytes.toString()), [{
    Config: `blobs/sha256/${'c'.repeat(64)}`,
    RepoTags: ['busybox:latest', 'busybox:1'],
    Layers: [`blobs/sha256/${'1'.repeat(64)}`, `blobs/sha256/${'2'.repeat(64)}`],
  }]);
});

test('ociLayout: uncompressed layer descriptors, one index entry per ref name', () => {
  const { files, manifests: [manifest] } = ociLayout([image]);
  if (!manifest) throw new Error('no manifest');
  assert.equal(files.map((f) => f.name), ['oci-layout', 'index.json']);
  assert.equal(JSON.parse(files[0]!.bytes.toString()), { imageLayoutVersion: '1.0.0' });
  assert.is(manifest.digest, 'sha256:' + createHash('sha256').update(manifest.bytes).digest('hex'));
  const m = JSON.parse(manifest.bytes.toString());
  assert.equal(m.layers, [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: d('1'), size: 1024 },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: d('2'), size: 2048 },
  ]);
  assert.equal(m.config, { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 10 });
  const index = JSON.parse(files[1]!.bytes.toString());
  assert.equal(index.manifests.map((x: any) => [x.digest, x.annotations['org.opencontainers.image.ref.name']]),
    [[manifest.digest, 'busybox:latest'], [manifest.digest, 'busybox:1']]);
});

test('ociLayout: an image without refs is listed once, unnamed', () => {
  const index = JSON.parse(ociLayout([{ ...image, refs: [] }]).files[1]!.bytes.toString());
  assert.is(index.manifests.length, 1);
  assert.is(index.manifests[0].annotations, undefined);
});

test('two images: one manifest.json entry each, in order; the OCI index lists each image under its own names', () => {
  const other = { config: { digest: d('e'), size: 12 }, layers: [{ digest: d('1'), size: 1024 }], refs: [] };
  assert.equal(JSON.parse(dockerManifest([image, other]).bytes.toString()).map((e: any) => [e.Config, e.RepoTags]),
    [[`blobs/sha256/${'c'.repeat(64)}`, ['busybox:latest', 'busybox:1']], [`blobs/sha256/${'e'.repeat(64)}`, []]]);
  const { files, manifests } = ociLayout([image, other]);
  assert.is(manifests.length, 2);
  assert.is.not(manifests[0]!.digest, manifests[1]!.digest);
  const index = JSON.parse(files[1]!.bytes.toString());
  assert.equal(index.manifests.map((x: any) => [x.digest, x.annotations?.['org.opencontainers.image.ref.name']]),
    [[manifests[0]!.digest, 'busybox:latest'], [manifests[0]!.digest, 'busybox:1'], [manifests[1]!.digest, undefined]]);
});

test.run();
