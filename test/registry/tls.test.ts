// HTTPS: the registry on 127.0.0.2 with a self-signed certificate. Without its CA strata refuses
// in one line that says what to do; with the CA in NODE_EXTRA_CA_CERTS (which the binary hides
// from Node.js and strata reads itself) or in /etc/containers/certs.d/HOST:PORT/, or with
// --tls-verify=false, push and pull work. 127.0.0.1 and localhost speak plain HTTP.

import { mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempStore, type TempStore } from '../helpers/cli.js';
import { startRegistry, strataAsync, strataAsyncOk, type Registry } from '../helpers/registry.js';
import { imageId } from './registry-helpers.js';

let registry: Registry;
let store: TempStore;

test.before(async () => {
  registry = await startRegistry({ address: '127.0.0.2', tls: true });
  store = tempStore();
});
test.after(async () => {
  await registry.stop();
  store.cleanup();
});

test('without the CA: one line naming the certificate problem and the ways out; nothing stored', async () => {
  const r = await strataAsync(store.root, ['pull', `${registry.host}/x/y:1`]);
  assert.is(r.status, 1);
  assert.is(r.stderr.split('\n').length, 2, r.stderr);
  assert.match(r.stderr, `strata: ${registry.host}: its certificate is not trusted`);
  assert.match(r.stderr, 'NODE_EXTRA_CA_CERTS');
  assert.match(r.stderr, '--tls-verify=false');
});

test('NODE_EXTRA_CA_CERTS: push and pull over verified HTTPS', async () => {
  const env = { NODE_EXTRA_CA_CERTS: registry.certFile! };
  const out = await strataAsyncOk(store.root, ['push', 'busybox', `${registry.host}/x/y:1`], env);
  assert.match(out, `${registry.host}/x/y:1@sha256:`);
  const fresh = tempStore();
  try {
    await strataAsyncOk(fresh.root, ['pull', `${registry.host}/x/y:1`], env);
    assert.is(imageId(fresh.root, `${registry.host}/x/y:1`), imageId(store.root, 'busybox'));
  } finally {
    fresh.cleanup();
  }
});

test('--tls-verify=false: pull without the CA', async () => {
  const fresh = tempStore();
  try {
    await strataAsyncOk(fresh.root, ['pull', '--tls-verify=false', `${registry.host}/x/y:1`]);
  } finally {
    fresh.cleanup();
  }
});

test('/etc/containers/certs.d/HOST:PORT/*.crt: trusted as podman trusts it', async () => {
  const dir = join('/etc/containers/certs.d', registry.host);
  mkdirSync(dir, { recursive: true });
  copyFileSync(registry.certFile!, join(dir, 'ca.crt'));
  const fresh = tempStore();
  try {
    await strataAsyncOk(fresh.root, ['pull', `${registry.host}/x/y:1`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    fresh.cleanup();
  }
});

test('plain HTTP is only for 127.0.0.1 and localhost: an HTTPS-only name fails TLS, not silently downgraded', async () => {
  const plain = await startRegistry({ address: '127.0.0.2' });
  try {
    const r = await strataAsync(store.root, ['pull', '--tls-verify=false', `${plain.host}/x/y:1`]);
    assert.is(r.status, 1);
    assert.match(r.stderr, `strata: ${plain.host}: `);
  } finally {
    await plain.stop();
  }
});

test.run();
