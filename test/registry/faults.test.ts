// The registry's side misbehaving, or just counted, through a proxy of the tests' own in front of
// a real distribution registry: a push that shares its base sends only its new layers (and mounts
// them all into another repository); a pull fetches only the layers the store lacks; chunked
// uploads honour OCI-Chunk-Min-Length, follow a Location that changes at every step, and resume
// after a 416 from the offset the registry states; a blob redirected to another host gets no
// Authorization header; a truncated or altered blob is one line and leaves the store unchanged.

import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { strataOk, tempStore, type TempStore } from '../helpers/cli.js';
import { closeServer, forward, startProxy, startRegistry, strataAsync, strataAsyncOk, type Proxy, type Registry } from '../helpers/registry.js';
import { storeListing } from '../archive/archive-helpers.js';
import { diffIds, imageId, layeredImage } from './registry-helpers.js';

let registry: Registry;
let proxy: Proxy;
let store: TempStore;
let layered: string;

const MB = 1 << 20;

test.before(async () => {
  registry = await startRegistry();
  proxy = await startProxy(registry.host);
  store = tempStore();
  layered = layeredImage(store.root, 'app:1', MB, 'fault-marker');
});
test.after(async () => {
  await proxy.stop();
  await registry.stop();
  store.cleanup();
});
test.before.each(() => {
  proxy.requests.length = 0;
  proxy.hook = undefined;
  proxy.edit = undefined;
});

/** Makes the registry decline a mount (it knows no such source), so the blob is uploaded. */
function declineMount(req: { url?: string }): void {
  if (req.url!.includes('mount=')) req.url = req.url!.replace(/from=[^&]+/, 'from=no%2Fsuch');
}

const uploads = () => proxy.requests.filter((r) => /\/blobs\/uploads\//.test(r.url) && r.bodyBytes > 0);

test('push: a shared base is not sent again (HEAD finds it); into another repository every blob is mounted', async () => {
  const { root } = store;
  await strataAsyncOk(root, ['push', 'busybox', `${proxy.host}/shared/app:base`]);
  const baseBytes = uploads().reduce((n, r) => n + r.bodyBytes, 0);
  assert.ok(baseBytes > MB, `the base layer went up (${baseBytes} bytes)`);
  proxy.requests.length = 0;

  const out = JSON.parse(await strataAsyncOk(root, ['--json', 'push', 'app:1', `${proxy.host}/shared/app:1`]));
  assert.equal(out.blobs, ['exists', 'uploaded', 'uploaded']);
  const sent = uploads();
  assert.is(sent.length, 2, JSON.stringify(sent));
  const sentBytes = sent.reduce((n, r) => n + r.bodyBytes, 0);
  assert.ok(sentBytes > MB && sentBytes < MB + 64 * 1024, `only the new layer and the config: ${sentBytes} bytes`);
  assert.is(proxy.requests.filter((r) => r.method === 'HEAD').length, 3);

  proxy.requests.length = 0;
  const other = JSON.parse(await strataAsyncOk(root, ['--json', 'push', 'app:1', `${proxy.host}/elsewhere/app:1`]));
  assert.equal(other.blobs, ['mounted', 'mounted', 'mounted']);
  assert.is(uploads().length, 0);
  assert.is(proxy.requests.filter((r) => r.url.includes('mount=')).length, 3);
});

test('push: a mount the registry declines (202) falls back to the upload session it opened', async () => {
  const { root } = store;
  proxy.hook = (req) => {
    // The registry answers a mount from a repository it does not know with an upload session.
    declineMount(req);
    return false;
  };
  const out = JSON.parse(await strataAsyncOk(root, ['--json', 'push', 'app:1', `${proxy.host}/third/app:1`]));
  assert.equal(out.blobs, ['uploaded', 'uploaded', 'uploaded']);
  assert.is(proxy.requests.filter((r) => r.method === 'POST').length, 3, 'no second POST: the session from the mount was used');
});

test('pull: layers the store has are not fetched', async () => {
  const fresh = tempStore();
  try {
    // The fresh store is seeded with busybox: app:1's base layer is there.
    await strataAsyncOk(fresh.root, ['pull', `${proxy.host}/shared/app:1`]);
    const gets = proxy.requests.filter((r) => r.method === 'GET' && r.url.includes('/blobs/'));
    assert.is(gets.length, 2, JSON.stringify(gets));
    assert.equal(diffIds(fresh.root, `${proxy.host}/shared/app:1`), diffIds(store.root, 'app:1'));
    assert.is(imageId(fresh.root, `${proxy.host}/shared/app:1`), layered);
  } finally {
    fresh.cleanup();
  }
});

test('chunked push: OCI-Chunk-Min-Length raises the chunk size; each changing Location is followed', async () => {
  let hop = 0;
  proxy.edit = (req, reply) => {
    if (reply.status === 202 && typeof reply.headers.location === 'string') {
      const url = new URL(reply.headers.location, `http://${proxy.host}`);
      url.searchParams.set('hop', String(++hop));
      reply.headers.location = url.toString();
      if (req.method === 'POST') reply.headers['oci-chunk-min-length'] = String(400_000);
    }
  };
  const stale: string[] = [];
  proxy.hook = (req, _body, res) => {
    declineMount(req);
    if (!/\/blobs\/uploads\/./.test(req.url!) || (req.method !== 'PATCH' && req.method !== 'PUT')) return false;
    const url = new URL(req.url!, 'http://x');
    if (url.searchParams.get('hop') !== String(hop)) {
      stale.push(req.url!);
      res.writeHead(400);
      res.end();
      return true;
    }
    url.searchParams.delete('hop');
    req.url = url.pathname + url.search;
    return false;
  };
  const out = JSON.parse(await strataAsyncOk(store.root, ['--json', 'push', '--chunk-size', '100000', 'app:1', `${proxy.host}/chunked/app:1`]));
  assert.equal(stale, []);
  assert.equal(out.blobs, ['uploaded', 'uploaded', 'uploaded']);
  const patches = proxy.requests.filter((r) => r.method === 'PATCH');
  assert.ok(patches.length >= 5, `${patches.length} PATCHes`);
  const sizes = patches.map((p) => p.bodyBytes);
  assert.ok(sizes.filter((s) => s !== 400_000).length <= 3, `chunks of the minimum, each blob's last aside: ${sizes}`);
  await pullsBack('chunked/app:1');
});

test('chunked push: a 416 mid-upload is resumed from the offset the registry states', async () => {
  let patches = 0;
  let refused = 0;
  proxy.hook = async (req, body, res) => {
    declineMount(req);
    if (req.method !== 'PATCH' || ++patches !== 2) return false;
    // The registry keeps the first 1000 bytes of this chunk; strata is told 416.
    const start = Number(/^(\d+)-/.exec(req.headers['content-range'] as string)![1]);
    req.headers['content-range'] = `${start}-${start + 999}`;
    req.headers['content-length'] = '1000';
    const kept = await forward(registry.host, req, body.subarray(0, 1000));
    assert.is(kept.status, 202);
    refused++;
    // As distribution answers an out-of-order chunk: 416, with where the session goes on.
    res.writeHead(416, { location: kept.headers.location as string });
    res.end();
    return true;
  };
  await strataAsyncOk(store.root, ['push', '--chunk-size', '300000', 'app:1', `${proxy.host}/resumed/app:1`]);
  assert.is(refused, 1);
  assert.ok(proxy.requests.some((r) => r.method === 'GET' && r.url.includes('/blobs/uploads/')), 'the upload status was asked');
  await pullsBack('resumed/app:1');
});

test('pull: a blob redirected to another host is fetched without the Authorization header', async () => {
  const seen: (string | undefined)[] = [];
  const storage: Server = createServer(async (req, res) => {
    seen.push(req.headers.authorization);
    const reply = await forward(registry.host, req, Buffer.alloc(0), req.url!.replace(/^\/storage/, ''));
    res.writeHead(reply.status, { 'content-length': String(reply.body.length) });
    res.end(reply.body);
  });
  storage.listen(0, '127.0.0.2');
  await once(storage, 'listening');
  const storageHost = `127.0.0.2:${(storage.address() as { port: number }).port}`;
  const auth = `Basic ${Buffer.from('carol:pw').toString('base64')}`;
  proxy.hook = (req, _body, res) => {
    if (req.headers.authorization !== auth) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="proxy"' });
      res.end();
      return true;
    }
    if (req.method === 'GET' && /\/blobs\/sha256:/.test(req.url!)) {
      res.writeHead(307, { location: `http://${storageHost}/storage${req.url}` });
      res.end();
      return true;
    }
    return false;
  };
  const config = join(store.scratch, 'redirect-config');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth: Buffer.from('carol:pw').toString('base64') } } }));
  const fresh = tempStore();
  try {
    await strataAsyncOk(fresh.root, ['pull', `${proxy.host}/shared/app:1`], { DOCKER_CONFIG: config });
    assert.is(seen.length, 2);
    assert.equal(seen, [undefined, undefined]);
    assert.ok(proxy.requests.some((r) => r.authorization === auth));
    assert.is(imageId(fresh.root, `${proxy.host}/shared/app:1`), layered);
  } finally {
    fresh.cleanup();
    await closeServer(storage);
  }
});

/** Pulls `repo` into a fresh store (seeded: the base is there) and expects a pull failure of
 * one line matching `pattern`, with the store as it was. */
async function expectPullFails(repo: string, pattern: RegExp): Promise<void> {
  const fresh = tempStore();
  try {
    strataOk(['images'], { root: fresh.root });
    const before = storeListing(fresh.root);
    const r = await strataAsync(fresh.root, ['pull', `${proxy.host}/${repo}`]);
    assert.is(r.status, 1, r.stderr);
    assert.is(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(storeListing(fresh.root), before);
  } finally {
    fresh.cleanup();
  }
}

const isNewLayer = (url: string) => url.includes(diffIds(store.root, 'app:1')[1]!);

test('pull: a truncated blob (the connection closes early) is one line, nothing stored', async () => {
  proxy.hook = async (req, body, res) => {
    if (req.method !== 'GET' || !isNewLayer(req.url!)) return false;
    const reply = await forward(registry.host, req, body);
    res.writeHead(200, { 'content-length': String(reply.body.length), 'content-type': 'application/octet-stream' });
    res.write(reply.body.subarray(0, reply.body.length >> 1));
    setTimeout(() => res.socket?.destroy(), 50);
    return true;
  };
  await expectPullFails('shared/app:1', /^strata: layer 2 of .*(cut short|aborted)/);
});

test('pull: an altered blob (one byte flipped, same length) fails its digest, nothing stored', async () => {
  proxy.edit = (req, reply) => {
    if (req.method === 'GET' && isNewLayer(req.url!)) reply.body[reply.body.length - 4096] ^= 0xff;
  };
  await expectPullFails('shared/app:1', /^strata: layer 2 of .* does not match its digest sha256:/);
});

test('pull: a manifest that is not the one its digest names is refused', async () => {
  const digest = JSON.parse(await strataAsyncOk(store.root, ['--json', 'push', 'app:1', `${proxy.host}/pinned/app:1`])).digest as string;
  proxy.edit = (req, reply) => {
    if (req.url!.includes('/manifests/')) reply.body = Buffer.from(reply.body.toString('utf8').replace('{', '{ '));
  };
  await expectPullFails(`pinned/app@${digest}`, /does not match its digest/);
});

async function pullsBack(repo: string): Promise<void> {
  proxy.hook = undefined;
  proxy.edit = undefined;
  const fresh = tempStore();
  try {
    await strataAsyncOk(fresh.root, ['pull', `${proxy.host}/${repo}`]);
    assert.is(imageId(fresh.root, `${proxy.host}/${repo}`), layered);
    assert.is((await strataAsyncOk(fresh.root, ['run', '--rm', `${proxy.host}/${repo}`, 'cat', '/marker'])), 'fault-marker\n');
  } finally {
    fresh.cleanup();
  }
}

test.run();
