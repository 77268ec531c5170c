// -u and the image's User, resolved against the image's own /etc/passwd and /etc/group.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveUser } from '../../src/runtime/sandbox/users.js';

const passwd = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:App:/home/app:/bin/sh\n# comment\nbroken:line\nweb:x:33:33::/var/www:/bin/false\n';
const group = 'root:x:0:\napp:x:1000:\ndocker:x:999:app,web\nstaff:x:50: app \nwww:x:33:\n';

test('resolveUser: default root; names and numbers; primary and supplementary groups; HOME', () => {
  assert.equal(resolveUser('', passwd, group), { uid: 0, gid: 0, groups: [], home: '/root' });
  assert.equal(resolveUser('app', passwd, group), { uid: 1000, gid: 1000, groups: [999, 50], home: '/home/app' });
  assert.equal(resolveUser('1000', passwd, group), { uid: 1000, gid: 1000, groups: [999, 50], home: '/home/app' });
  assert.equal(resolveUser('4242', passwd, group), { uid: 4242, gid: 0, groups: [], home: '/' });
  assert.equal(resolveUser('app:www', passwd, group), { uid: 1000, gid: 33, groups: [], home: '/home/app' });
  assert.equal(resolveUser('web:7', passwd, group), { uid: 33, gid: 7, groups: [], home: '/var/www' });
  assert.equal(resolveUser('0:0'), { uid: 0, gid: 0, groups: [], home: '/' });
});

test('resolveUser: unknown names are errors (status 125), numbers need no entry', () => {
  assert.throws(() => resolveUser('nobody', passwd, group), /unable to find user nobody: no matching entries in passwd file/);
  assert.throws(() => resolveUser('app:nogroup', passwd, group), /unable to find group nogroup/);
  assert.throws(() => resolveUser('a:b:c', passwd, group), /USER\[:GROUP\]/);
  try {
    resolveUser('ghost');
  } catch (err) {
    assert.is((err as { exitCode: number }).exitCode, 125);
  }
});

test.run();
