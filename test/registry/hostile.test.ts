// A hostile or broken registry: every reply is untrusted. Each case is one line on stderr (no
// terminal control characters from the registry reach it), exit status 1, and the store exactly
// as it was: an oversized manifest, a blob longer than its descriptor, a config whose diff_ids do
// not match the layers, an upload Location or token realm that is not HTTP, an error message
// carrying escape sequences.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { strataOk, tempStore, type TempStore } from '../helpers/cli.js';
import { startProxy, startRegistry, strataAsync, strataAsyncOk, type Proxy, type Registry } from '../helpers/registry.js';
import { storeListing } from '../archive/archive-helpers.js';
import { getBlob, getManifest, layeredImage, putBlob, putManifest } from './registry-helpers.js';

let registry: Registry;
let proxy: Proxy;
let store: TempStore;

test.before(async () => {
  registry = await startRegistry();
  proxy = await startProxy(registry.host);
  store = tempStore();
  layeredImage(store.root, 'victim:1', 64 * 1024, 'hostile-marker');
  await strataAsyncOk(store.root, ['push', 'victim:1', `${proxy.host}/h/app:1`]);
});
test.after(async () => {
  await proxy.stop();
  await registry.stop();
  store.cleanup();
});
test.before.each(() => {
  proxy.hook = undefined;
  proxy.edit = undefined;
});

/** `args` fail in one line matching `pattern`, with nothing unprintable, the store unchanged. */
async function refused(args: string[], pattern: RegExp, root = store.root): Promise<string> {
  strataOk(['images'], { root });
  const before = storeListing(root);
  const r = await strataAsync(root, args);
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stderr.split('\n').length, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.not.match(r.stderr, /[\x00-\x08\x0b-\x1f\x7f]/);
  assert.equal(storeListing(root), before);
  return r.stderr;
}

async function inFreshStore(fn: (root: string) => Promise<void>): Promise<void> {
  const fresh = tempStore();
  try {
    await fn(fresh.root);
  } finally {
    fresh.cleanup();
  }
}

test('a manifest over 4 MiB is not read whole', () => inFreshStore(async (root) => {
  proxy.edit = (req, reply) => {
    if (req.url!.includes('/manifests/')) reply.body = Buffer.concat([reply.body, Buffer.alloc(5 << 20, 0x20)]);
  };
  await refused(['pull', `${proxy.host}/h/app:1`], /sent more than 4194304 bytes/, root);
}));

test('a layer blob longer than its descriptor is cut off', () => inFreshStore(async (root) => {
  proxy.edit = (req, reply) => {
    if (req.method === 'GET' && req.url!.includes('/blobs/sha256:') && reply.body.length > 60_000) reply.body = Buffer.concat([reply.body, Buffer.alloc(1024)]);
  };
  await refused(['pull', `${proxy.host}/h/app:1`], /longer than the \d+ bytes its manifest says/, root);
}));

test('a config whose diff_id does not match its layer: nothing stored', () => inFreshStore(async (root) => {
  const { doc } = await getManifest(registry.host, 'h/app', '1');
  const config = JSON.parse((await getBlob(registry.host, 'h/app', doc.config.digest)).toString('utf8'));
  config.rootfs.diff_ids[1] = `sha256:${'e'.repeat(64)}`;
  const blob = await putBlob(registry.host, 'h/app', Buffer.from(JSON.stringify(config)));
  await putManifest(registry.host, 'h/app', 'lying', { ...doc, config: { ...doc.config, ...blob } }, doc.mediaType);
  await refused(['pull', `${proxy.host}/h/app:lying`], /layer 2 of .* has diff_id sha256:[0-9a-f]{64}, its config says sha256:e{64}/, root);
}));

test('an upload Location that is not HTTP is refused', async () => {
  proxy.hook = (req) => {
    // No mount: the registry opens an upload session, whose Location is then replaced.
    if (req.url!.includes('mount=')) req.url = req.url!.replace(/from=[^&]+/, 'from=no%2Fsuch');
    return false;
  };
  proxy.edit = (req, reply) => {
    if (req.method === 'POST' && reply.status === 202) reply.headers.location = 'file:///etc/passwd';
    if (req.method === 'HEAD') reply.status = 404;
  };
  await refused(['push', 'victim:1', `${proxy.host}/h/other:1`], /Location that is not HTTP/);
});

test('a token realm that is not HTTP is refused', () => inFreshStore(async (root) => {
  proxy.hook = (_req, _body, res) => {
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="file:///etc/shadow",service="x"' });
    res.end();
    return true;
  };
  await refused(['pull', `${proxy.host}/h/app:1`], /token realm "file:\/\/\/etc\/shadow" is not HTTP/, root);
}));

test('a registry error message with escape sequences is shown escaped', () => inFreshStore(async (root) => {
  proxy.hook = (req, _body, res) => {
    if (!req.url!.includes('/manifests/')) return false;
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: '\x1b]2;PWNED\x07\x1b[2Jgone' }] }));
    return true;
  };
  const stderr = await refused(['pull', `${proxy.host}/h/app:1`], /HTTP 400 \(DENIED: /, root);
  assert.match(stderr, 'gone');
}));

test.run();
