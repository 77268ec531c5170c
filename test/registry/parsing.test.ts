// The small parsers of src/registry/: remote names, WWW-Authenticate challenges, and the byte
// windows chunked uploads and resumes read through.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseChallenge } from '../../src/registry/challenge.js';
import { ByteWindow } from '../../src/registry/byte-window.js';
import { isPlainHttp, parseRegistryHost, parseRemoteName } from '../../src/registry/image-name.js';

const D = `sha256:${'a'.repeat(64)}`;

test('parseRemoteName: registry, repository, store name, tag or digest', () => {
  assert.equal(parseRemoteName('127.0.0.1:5000/team/app:1'), { registry: '127.0.0.1:5000', repository: 'team/app', storeName: '127.0.0.1:5000/team/app', tag: '1' });
  assert.equal(parseRemoteName('localhost/app'), { registry: 'localhost', repository: 'app', storeName: 'localhost/app', tag: 'latest' });
  assert.equal(parseRemoteName(`ghcr.io/o/r@${D}`), { registry: 'ghcr.io', repository: 'o/r', storeName: 'ghcr.io/o/r', digest: D });
  assert.equal(parseRemoteName(`ghcr.io/o/r:v2@${D}`), { registry: 'ghcr.io', repository: 'o/r', storeName: 'ghcr.io/o/r', tag: 'v2', digest: D });
  assert.equal(parseRemoteName('alpine'), { registry: 'docker.io', repository: 'library/alpine', storeName: 'alpine', tag: 'latest' });
  assert.equal(parseRemoteName('team/app:2'), { registry: 'docker.io', repository: 'team/app', storeName: 'team/app', tag: '2' });
  for (const bad of ['', 'UP/x', 'a@sha256:12', `a@sha512:${'a'.repeat(128)}`, 'a/../b', 'a:b:c', `sha256:${'a'.repeat(64)}`, 'host:99/a b']) {
    assert.throws(() => parseRemoteName(bad), undefined, bad);
  }
});

test('parseRegistryHost: HOST[:PORT], a scheme and trailing slash dropped, Docker Hub aliases folded', () => {
  assert.is(parseRegistryHost('https://reg.example.com:5000/'), 'reg.example.com:5000');
  assert.is(parseRegistryHost('index.docker.io'), 'docker.io');
  for (const bad of ['a/b', 'http://a/b', 'a b', '', 'a:port']) assert.throws(() => parseRegistryHost(bad), undefined, bad);
});

test('isPlainHttp: localhost and 127.0.0.1 only', () => {
  assert.ok(isPlainHttp('localhost:5000'));
  assert.ok(isPlainHttp('127.0.0.1'));
  assert.not.ok(isPlainHttp('127.0.0.2:5000'));
  assert.not.ok(isPlainHttp('localhost.example.com'));
  assert.not.ok(isPlainHttp('registry'));
});

test('parseChallenge: quoted and bare parameters, escapes, commas inside quotes', () => {
  assert.equal(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"'), {
    scheme: 'bearer',
    params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push' },
  });
  assert.equal(parseChallenge('Basic realm="x \\"y\\""'), { scheme: 'basic', params: { realm: 'x "y"' } });
  assert.equal(parseChallenge('Bearer realm=https://a/t, service=s'), { scheme: 'bearer', params: { realm: 'https://a/t', service: 's' } });
  assert.is(parseChallenge(undefined), undefined);
  assert.is(parseChallenge('   '), undefined);
});

test('ByteWindow: ranges in order, a range behind reopens the stream, chunk edges anywhere', async () => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  let opens = 0;
  const window = new ByteWindow(async function* () {
    opens++;
    for (let i = 0; i < data.length; i += 7) yield data.subarray(i, i + 7);
  }, data.length);
  assert.equal(await window.read(0, 100), data.subarray(0, 100));
  assert.equal(await window.read(100, 333), data.subarray(100, 333));
  assert.equal(await window.read(500, 999), data.subarray(500, 999));
  assert.is(opens, 1, 'skipping forward needs no reopening');
  assert.equal(await window.read(250, 1000), data.subarray(250, 1000));
  assert.is(opens, 2);
  const short = new ByteWindow(async function* () { yield data.subarray(0, 10); }, 20);
  await short.read(0, 5);
  try {
    await short.read(5, 20);
    assert.unreachable('a stream shorter than its length');
  } catch (err) {
    assert.match(String(err), 'ended before');
  }
});

test.run();
