import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { humanSize, modeString, shortId, timeAgo } from '../../src/base/format.js';

test('humanSize uses decimal units and three significant digits, like Docker', () => {
  assert.is(humanSize(0), '0B');
  assert.is(humanSize(999), '999B');
  assert.is(humanSize(1000), '1kB');
  assert.is(humanSize(4_263_000), '4.26MB');
  assert.is(humanSize(195_400_000), '195MB');
});

test('timeAgo', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.is(timeAgo('2026-01-01T11:59:30Z', now), '30 seconds ago');
  assert.is(timeAgo('2026-01-01T11:59:00Z', now), 'About a minute ago');
  assert.is(timeAgo('2026-01-01T09:00:00Z', now), '3 hours ago');
  assert.is(timeAgo('2025-12-25T12:00:00Z', now), '7 days ago');
  assert.is(timeAgo(undefined, now), 'N/A');
});

test('shortId, modeString', () => {
  assert.is(shortId('sha256:0123456789abcdef0123'), '0123456789ab');
  assert.is(modeString('dir', 0o1777), 'drwxrwxrwt');
  assert.is(modeString('file', 0o4755), '-rwsr-xr-x');
  assert.is(modeString('file', 0o2644), '-rw-r-Sr--');
  assert.is(modeString('symlink', 0o777), 'lrwxrwxrwx');
});

test.run();
