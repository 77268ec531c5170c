// docs/CLUSTER.md's Pod manifest, checked as far as a machine without a cluster allows: an image
// is pushed, the manifest's IMAGE filled with the pushed name and digest as the page says, and the
// reference it then names is inspected by skopeo (same digest, the image's layers) and pulled by
// strata into a clean store (same image id).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO, strataOk, tempStore } from '../helpers/cli.js';
import { startRegistry } from '../helpers/registry.js';
import { diffIds, imageId, skopeo } from './registry-helpers.js';

/** The YAML block after the pod-manifest marker. */
function podManifest(): string {
  const page = readFileSync(join(REPO, 'docs', 'CLUSTER.md'), 'utf8');
  const m = /<!-- pod-manifest:[^>]*-->\n```yaml\n([\s\S]*?)```/.exec(page);
  if (!m) throw new Error('docs/CLUSTER.md has no pod-manifest block');
  return m[1]!;
}

test('the Pod manifest of docs/CLUSTER.md names the pushed image by digest, and that reference resolves to it', async () => {
  const registry = await startRegistry();
  const store = tempStore();
  try {
    const pushed = JSON.parse(strataOk(['--json', 'push', 'busybox', `${registry.host}/team/app:1.4`], { root: store.root }).text);
    const name = pushed.reference.slice(0, pushed.reference.lastIndexOf(':'));
    const pod = podManifest().replace('IMAGE', `${name}@${pushed.digest}`);
    assert.match(pod, /^apiVersion: v1\nkind: Pod\n/);
    const images = [...pod.matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1]!);
    assert.equal(images, [`${registry.host}/team/app@${pushed.digest}`]);
    assert.not.match(pod, /IMAGE/);

    const inspected = JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${images[0]}`]));
    assert.is(inspected.Digest, pushed.digest);
    assert.equal(inspected.Layers, diffIds(store.root, 'busybox'));
    const clean = tempStore();
    try {
      strataOk(['pull', images[0]!], { root: clean.root });
      assert.is(imageId(clean.root, images[0]!), imageId(store.root, 'busybox'));
    } finally {
      clean.cleanup();
    }
  } finally {
    store.cleanup();
    await registry.stop();
  }
});

test.run();
