// Container paths for mounts resolve inside the image's root; what is missing is listed to make.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BytePath } from '../../src/base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../../src/base/layer-index.js';
import { View } from '../../src/resolver/view.js';
import { resolveMountPoint } from '../../src/runtime/sandbox/mount-points.js';
import { parseVolume } from '../../src/runtime/sandbox/volumes.js';

function layer(entries: Array<[string, Partial<IndexEntry>]>): LayerIndex {
  const map = new Map<BytePath, IndexEntry>();
  for (const [path, e] of entries) {
    map.set(path as BytePath, { path: path as BytePath, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0, ...e });
  }
  return { entries: map, whiteouts: new Set(), opaque: new Set() };
}

const view = View.of([layer([
  ['/etc', {}], ['/etc/hosts', { type: 'file' }], ['/var', {}], ['/run', {}],
  ['/var/run', { type: 'symlink', linkTarget: '/run' }],
  ['/escape', { type: 'symlink', linkTarget: '../../../../host/dir' }],
  ['/file', { type: 'file' }],
  ['/loop', { type: 'symlink', linkTarget: '/loop' }],
])]);

test('resolveMountPoint: existing paths, links followed inside the root', () => {
  assert.equal(resolveMountPoint(view, '/etc/hosts', 'file'), { path: '/etc/hosts', create: [] });
  assert.equal(resolveMountPoint(view, '/var/run', 'dir'), { path: '/run', create: [] });
  assert.equal(resolveMountPoint(view, '/etc/../var/./run/', 'dir'), { path: '/run', create: [] });
});

test('resolveMountPoint: missing paths are made, parents first, where links point', () => {
  assert.equal(resolveMountPoint(view, '/data/a/b', 'dir'), {
    path: '/data/a/b', create: [{ path: '/data', type: 'dir' }, { path: '/data/a', type: 'dir' }, { path: '/data/a/b', type: 'dir' }],
  });
  assert.equal(resolveMountPoint(view, '/etc/resolv.conf', 'file'), { path: '/etc/resolv.conf', create: [{ path: '/etc/resolv.conf', type: 'file' }] });
  // A link that climbs out lands at the image's root: /host/dir inside, never the host's.
  assert.equal(resolveMountPoint(view, '/escape/x', 'dir'), {
    path: '/host/dir/x', create: [{ path: '/host', type: 'dir' }, { path: '/host/dir', type: 'dir' }, { path: '/host/dir/x', type: 'dir' }],
  });
  assert.equal(resolveMountPoint(view, '/../../etc/../mnt', 'dir'), { path: '/mnt', create: [{ path: '/mnt', type: 'dir' }] });
  assert.equal(resolveMountPoint(view, '/new/dir/', 'dir'), { path: '/new/dir', create: [{ path: '/new', type: 'dir' }, { path: '/new/dir', type: 'dir' }] });
});

test('resolveMountPoint: refusals', () => {
  assert.throws(() => resolveMountPoint(view, '/file/x', 'dir'), /not a directory/);
  assert.throws(() => resolveMountPoint(view, '/etc', 'file'), /cannot mount on \/etc: a file cannot go there: it is a directory/);
  assert.throws(() => resolveMountPoint(view, '/etc/hosts', 'dir'), /not a directory in the image/);
  assert.throws(() => resolveMountPoint(view, '/', 'dir'), /root/);
  assert.throws(() => resolveMountPoint(view, '/loop/x', 'dir'), /cannot mount on \/loop\/x: \/loop: too many levels of symbolic links/);
  // The resolver's walk, its rules: a trailing "/" asks for a directory.
  assert.throws(() => resolveMountPoint(view, '/etc/hosts/', 'file'), /cannot mount on \/etc\/hosts\/: \/etc\/hosts: not a directory/);
  assert.throws(() => resolveMountPoint(view, '/data/../x', 'dir'), /".." below a directory that does not exist/);
});

test('parseVolume: HOST:CTR[:ro|rw], absolute paths only', () => {
  assert.equal(parseVolume('/a:/b'), { source: '/a', target: '/b', readOnly: false });
  assert.equal(parseVolume('/a:/b:ro'), { source: '/a', target: '/b', readOnly: true });
  assert.throws(() => parseVolume('name:/b'), /absolute/);
  assert.throws(() => parseVolume('/a:b'), /container path must be absolute/);
  assert.throws(() => parseVolume('/a'), /HOST:CONTAINER/);
  assert.throws(() => parseVolume('/a:/b:z'), /mode "z"/);
});

test.run();
