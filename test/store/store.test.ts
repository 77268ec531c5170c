import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, defaultRoot } from '../../src/store/store.js';
import { createStagingDir } from '../../src/store/staging.js';
import { leasedIds, takeLease } from '../../src/store/lease.js';
import { withLock } from '../../src/store/lock.js';
import { listTags, readTag, removeTag, setTag, tagRecords } from '../../src/store/tags.js';
import { isAlive, ownIdentity } from '../../src/store/process-identity.js';

const temp = () => mkdtempSync(join(tmpdir(), 'strata-store-'));

/** An identity of a process that has exited. */
function deadIdentity(): string {
  const r = spawnSync('sh', ['-c', 'echo $$; read x'], { input: '\n' });
  const pid = Number(r.stdout.toString().trim());
  return `${pid}.1`;
}

test('a new store is created mode 0700 with a format marker', async () => {
  const dir = temp();
  const root = join(dir, 'store');
  await openStore(root);
  assert.is(statSync(root).mode & 0o777, 0o700);
  assert.ok(readdirSync(root).includes('format'));
  rmSync(dir, { recursive: true });
});

test('a store of an unknown format is refused, not touched', async () => {
  const root = temp();
  writeFileSync(join(root, 'format'), 'strata-store 99\n');
  try {
    await openStore(root);
    assert.unreachable();
  } catch (err) {
    assert.match(String(err), /format "strata-store 99"/);
  }
  assert.equal(readdirSync(root), ['format']);
  rmSync(root, { recursive: true });
});

test('defaultRoot: $STRATA_ROOT, then /var/lib/strata for root, XDG for others', () => {
  assert.is(defaultRoot({ STRATA_ROOT: '/x' }), '/x');
  if (process.getuid?.() === 0) assert.is(defaultRoot({}), '/var/lib/strata');
});

test('staging of a dead process is swept at open; a live one is kept', async () => {
  const root = temp();
  const store = await openStore(root);
  const mine = createStagingDir(store);
  const dead = join(store.paths.staging, `${deadIdentity()}.abc`);
  mkdirSync(join(dead, 'rootfs'), { recursive: true });
  await openStore(root);
  const left = readdirSync(store.paths.staging).map((n) => join(store.paths.staging, n));
  assert.equal(left, [mine]);
  rmSync(root, { recursive: true });
});

test('process identity tells live from dead and survives pid reuse', () => {
  assert.ok(isAlive(ownIdentity()));
  assert.not.ok(isAlive(deadIdentity()));
  const [pid] = ownIdentity().split('.');
  assert.not.ok(isAlive(`${pid}.12345`), 'same pid, other start time');
});

test('leases: live ones are read, dead ones ignored, released ones gone', async () => {
  const root = temp();
  const store = await openStore(root);
  const lease = takeLease(store);
  lease.add('sha256:aa', 'sha256:bb');
  writeFileSync(join(store.paths.leases, `${deadIdentity()}.x`), JSON.stringify(['sha256:cc']));
  assert.equal([...leasedIds(store)].sort(), ['sha256:aa', 'sha256:bb']);
  lease.release();
  assert.equal([...leasedIds(store)], []);
  rmSync(root, { recursive: true });
});

test('withLock excludes, and breaks a lock left by a dead process', async () => {
  const root = temp();
  const store = await openStore(root);
  writeFileSync(join(store.paths.locks, 'gc'), deadIdentity());
  const order: string[] = [];
  await Promise.all([
    withLock(store, 'gc', async () => {
      order.push('a+');
      await new Promise((r) => setTimeout(r, 50));
      order.push('a-');
    }),
    new Promise((r) => setTimeout(r, 10)).then(() => withLock(store, 'gc', () => void order.push('b'))),
  ]);
  assert.equal(order, ['a+', 'a-', 'b']);
  rmSync(root, { recursive: true });
});

const anId = (digit: string) => `sha256:${digit.repeat(64)}`;

test('tags: set, read, list sorted, remove; names with / and : survive', async () => {
  const root = temp();
  const store = await openStore(root);
  setTag(store, 'zz:1', anId('1'));
  setTag(store, '127.0.0.1:5000/team/app:1.2', anId('2'));
  setTag(store, 'zz:1', anId('3'));
  assert.is(readTag(store, 'zz:1'), anId('3'));
  assert.equal([...listTags(store).keys()], ['127.0.0.1:5000/team/app:1.2', 'zz:1']);
  assert.ok(removeTag(store, 'zz:1'));
  assert.not.ok(removeTag(store, 'zz:1'));
  assert.is(readTag(store, 'zz:1'), undefined);
  rmSync(root, { recursive: true });
});

test('tags: a tag file is checked for its name and content; a damaged one is refused, never listed', async () => {
  const root = temp();
  const store = await openStore(root);
  setTag(store, 'ok:1', anId('1'));
  assert.throws(() => setTag(store, 'ok:2', 'sha256:../../x'), /not an image id/);
  assert.throws(() => setTag(store, `sha256:${'a'.repeat(64)}`, anId('1')), /look like an image id/);
  writeFileSync(join(store.paths.tags, encodeURIComponent('bad:1')), 'sha256:../../outside\n');
  writeFileSync(join(store.paths.tags, encodeURIComponent(`sha256:${'a'.repeat(64)}`)), `${anId('1')}\n`);
  assert.throws(() => readTag(store, 'bad:1'), /tag bad:1 is damaged \(it holds "sha256:\.\.\/\.\.\/outside", not an image id\); run strata check/);
  assert.equal([...listTags(store)], [['ok:1', anId('1')]]);
  assert.equal(tagRecords(store).filter((r) => r.problem !== undefined).map((r) => r.ref), ['bad:1', `sha256:${'a'.repeat(64)}`]);
  rmSync(root, { recursive: true });
});

test('a non-empty directory without a format marker is not made a store; an empty one is', async () => {
  const root = temp();
  writeFileSync(join(root, 'notes.txt'), 'mine\n');
  try {
    await openStore(root);
    assert.unreachable();
  } catch (err) {
    assert.match(String(err), /is not a strata store/);
  }
  assert.equal(readdirSync(root), ['notes.txt']);
  rmSync(join(root, 'notes.txt'));
  await openStore(root);
  assert.ok(readdirSync(root).includes('format'));
  rmSync(root, { recursive: true });
});

test.run();
