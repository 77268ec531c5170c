import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatReference, parseReference, splitRefPath, looksLikeImageId } from '../../src/store/reference.js';
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
