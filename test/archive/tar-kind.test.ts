// tarKindOf: what the TUI's Import view asks before it chooses between `load` and `import`.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tarKindOf } from '../../src/archive/tar-kind.js';
import { makeTar } from '../import/tar-fixtures.js';
import { buildUmociLayout, run, tempDir } from './umoci-fixture.js';

let work: string;
let layout: string;
test.before(() => {
  work = tempDir();
  layout = buildUmociLayout(work, 'app', 't');
});
test.after(() => rmSync(work, { recursive: true, force: true }));

const written = (name: string, bytes: Uint8Array) => {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
};

test('tarKindOf: a rootfs tar, even one holding an image archive\'s names below its top', async () => {
  const root = join(work, 'rootfs');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'manifest.json'), '{}');
  writeFileSync(join(root, 'etc', 'hostname'), 'box\n');
  const tar = join(work, 'rootfs.tar');
  run('tar', ['-C', root, '-cf', tar, '.']);
  assert.is(await tarKindOf(tar), 'rootfs');
  assert.is(await tarKindOf(written('empty.tar', Buffer.alloc(1024))), 'rootfs', 'a tar with no members');
});

test('tarKindOf: an OCI layout, as skopeo writes it and as GNU tar packs a layout directory', async () => {
  const ociTar = join(work, 'oci.tar');
  run('skopeo', ['copy', '-q', `oci:${layout}:t`, `oci-archive:${ociTar}:t`]);
  assert.is(await tarKindOf(ociTar), 'image-archive');
  const packed = join(work, 'packed.tar');
  run('tar', ['-C', layout, '-cf', packed, '.']);
  assert.is(await tarKindOf(packed), 'image-archive');
});

test('tarKindOf: a docker-archive, its layers first (skopeo) or its manifest after a large member', async () => {
  const dockerTar = join(work, 'docker.tar');
  run('skopeo', ['copy', '-q', `oci:${layout}:t`, `docker-archive:${dockerTar}:app:t`]);
  assert.is(await tarKindOf(dockerTar), 'image-archive');
  // Past the first megabytes, where reading a head of the file would stop.
  const late = makeTar([{ name: 'layer.tar', content: Buffer.alloc(4 << 20, 1) }, { name: 'manifest.json', content: '[]' }]);
  assert.is(await tarKindOf(written('late.tar', late)), 'image-archive');
});

test('tarKindOf: junk, a compressed tar and a damaged one are unknown until read through', async () => {
  assert.is(await tarKindOf(written('junk', Buffer.from('not a tar at all, not even close'.repeat(40)))), 'unknown');
  assert.is(await tarKindOf(written('short', Buffer.from('tiny'))), 'unknown');
  const tar = makeTar([{ name: 'a', content: 'x' }, { name: 'b', content: 'y' }]);
  assert.is(await tarKindOf(written('rootfs.tar.gz', gzipSync(tar))), 'unknown');
  const damaged = Buffer.from(tar);
  damaged[1024 + 3] ^= 1;
  assert.is(await tarKindOf(written('damaged.tar', damaged)), 'unknown');
});

test.run();
