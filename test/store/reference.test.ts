import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatReference, parseReference, splitRefPath } from '../../src/store/reference.js';
import { looksLikeImageId } from '../../src/store/ids.js';
import { UsageError } from '../../src/base/errors.js';

test('parseReference defaults the tag to latest', () => {
  assert.equal(parseReference('busybox'), { name: 'busybox', tag: 'latest' });
  assert.is(formatReference(parseReference('alpine:3.20')), 'alpine:3.20');
});

test('parseReference keeps a registry host and port', () => {
  assert.equal(parseReference('127.0.0.1:5000/team/app:1.2'), { name: '127.0.0.1:5000/team/app', tag: '1.2' });
  assert.equal(parseReference('localhost:5000/app'), { name: 'localhost:5000/app', tag: 'latest' });
  assert.equal(parseReference('registry.example.com/a/b'), { name: 'registry.example.com/a/b', tag: 'latest' });
});

test('parseReference refuses what Docker refuses', () => {
  for (const bad of ['', 'Busybox', 'a//b', 'a:', 'a:-x', 'a b', 'team/App:1', '-x', 'a/b:' + 'x'.repeat(200)]) {
    assert.throws(() => parseReference(bad), (e: unknown) => e instanceof UsageError, bad);
  }
});

test('parseReference refuses a name that reads as an image id, as Docker does', () => {
  const hex = 'ab'.repeat(32);
  for (const bad of [`sha256:${hex}`, hex, `${hex}:v1`, 'sha256:latest', 'sha256', 'sha256:5000/app']) {
    assert.throws(() => parseReference(bad), (e: unknown) => e instanceof UsageError && /look like an image id/.test(e.message), bad);
  }
  // A name that is only hex is still a name (the resolver makes it ambiguous with an id prefix).
  assert.equal(parseReference('abcdef123456'), { name: 'abcdef123456', tag: 'latest' });
  assert.equal(parseReference(`team/${hex}`), { name: `team/${hex}`, tag: 'latest' });
});

test('splitRefPath splits at the first ":/"', () => {
  assert.equal(splitRefPath('alpine:3.20:/etc/os-release'), { ref: 'alpine:3.20', path: '/etc/os-release' });
  assert.equal(splitRefPath('busybox:/bin'), { ref: 'busybox', path: '/bin' });
  assert.equal(splitRefPath('127.0.0.1:5000/team/app:1.2:/x'), { ref: '127.0.0.1:5000/team/app:1.2', path: '/x' });
  assert.throws(() => splitRefPath('busybox'), /REF:PATH/);
  assert.throws(() => splitRefPath(':/etc'), /REF:PATH/);
});

test('looksLikeImageId', () => {
  assert.ok(looksLikeImageId('sha256:' + 'a'.repeat(64)));
  assert.ok(looksLikeImageId('abc123'));
  assert.not.ok(looksLikeImageId('busybox'));
  assert.not.ok(looksLikeImageId('abc'));
});

test.run();
