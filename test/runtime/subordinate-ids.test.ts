import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeMapping, rangeFor } from '../../src/runtime/rootless/subordinate-ids.js';

test('rangeFor: the first range naming the user, by name or by uid', () => {
  const text = 'alice:100000:65536\nbob:165536:65536\n1005:231072:1000\nbob:300000:10\n';
  assert.equal(rangeFor(text, 'bob', 1002), { start: 165536, count: 65536 });
  assert.equal(rangeFor(text, 'carol', 1005), { start: 231072, count: 1000 });
  assert.is(rangeFor(text, 'dave', 1006), undefined);
  assert.is(rangeFor('eve:x:1\neve:0:0\n', 'eve', 1), undefined);
});

test('describeMapping: what info says', () => {
  assert.is(describeMapping(undefined), 'rootless: one id mapped (no newuidmap or no /etc/subuid range)');
  assert.is(describeMapping({ newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap', uid: 1000, gid: 1000, uids: { start: 100000, count: 65536 }, gids: { start: 100000, count: 65536 } }),
    'rootless: user namespace with subordinate ids 100000-165535 (newuidmap)');
});

test.run();
