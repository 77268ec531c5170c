// What a process that died (or exited unreaped: a zombie) leaves in the store, and what the next
// open or lock does with it: staging and leases removed, the layers a dead lease alone held
// collected, locks and name reservations left empty by an older strata broken. Real processes,
// real files. (Killing strata at each step of its writes: test/cli/interrupted-writes.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../../src/runtime/containers/records.js';
import { encodeConfig, writeImage } from '../../src/store/images.js';
import { takeLease } from '../../src/store/lease.js';
import { withLock } from '../../src/store/lock.js';
import { isAlive, processIdentity } from '../../src/store/process-identity.js';
import { openStore, type Store } from '../../src/store/store.js';
import { setTag } from '../../src/store/tags.js';

const temp = () => join(mkdtempSync(join(tmpdir(), 'strata-dead-')), 'store');

/** An identity of a process that has exited and been reaped. */
function deadIdentity(): string {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return `${r.stdout.toString().trim()}.1`;
}

/** A real zombie: `sh` starts a child and becomes `sleep`, which never reaps it; the child is
 * then killed. Its identity (read while it is a zombie), and a way to end both. */
async function zombie(): Promise<{ identity: string; end: () => void }> {
  const parent = spawn('sh', ['-c', 'sleep 1000 & echo $!; exec sleep 1001'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const end = () => parent.kill('SIGKILL');
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()))));
    // Killed only once `sh` is `sleep`: a shell might still reap it.
    await until(() => readFileSync(`/proc/${parent.pid}/cmdline`, 'latin1') === 'sleep\x001001\x00');
    process.kill(pid, 'SIGKILL');
    const fields = () => readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
    await until(() => fields()[0] === 'Z');
    return { identity: `${pid}.${fields()[19]}`, end };
  } catch (err) {
    end();
    throw err;
  }
}

async function until(done: () => boolean): Promise<void> {
  for (const end = Date.now() + 30_000; !done();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A published layer as far as garbage collection sees it: its directory and record. */
function fakeLayer(store: Store, byte: string): string {
  const diffId = `sha256:${byte.repeat(64)}`;
  mkdirSync(store.paths.layer(diffId), { recursive: true });
  writeFileSync(join(store.paths.layer(diffId), 'layer.json'), JSON.stringify({ diffId, size: 0 }));
  return diffId;
}

test('a zombie is not alive: processIdentity has none for it, and its staging and lease go at the next open', async () => {
  const z = await zombie();
  try {
    assert.is(processIdentity(Number(z.identity.split('.')[0])), undefined);
    assert.not.ok(isAlive(z.identity));
    const root = temp();
    const store = await openStore(root);
    mkdirSync(join(store.paths.staging, `${z.identity}.aaaaaaaaaaaa`, 'rootfs'), { recursive: true });
    writeFileSync(join(store.paths.leases, `${z.identity}.bbbbbbbbbbbb`), '[]');
    await openStore(root);
    assert.equal(readdirSync(store.paths.staging), []);
    assert.equal(readdirSync(store.paths.leases), []);
  } finally {
    z.end();
  }
});

test('a dead process\'s lease: the layers it alone held are collected at the next open; used and live-leased ones stay', async () => {
  const root = temp();
  const store = await openStore(root);
  const orphan = fakeLayer(store, 'a');
  const used = fakeLayer(store, 'b');
  const held = fakeLayer(store, 'c');
  setTag(store, 'user:1', writeImage(store, encodeConfig({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [used] } })).id);
  const live = takeLease(store);
  live.add(held);
  const dead = join(store.paths.leases, `${deadIdentity()}.cccccccccccc`);
  writeFileSync(dead, JSON.stringify([orphan, used, held, 'sha256:not-a-layer']));
  await openStore(root);
  assert.not.ok(existsSync(store.paths.layer(orphan)), 'published, never referenced: collected');
  assert.ok(existsSync(store.paths.layer(used)));
  assert.ok(existsSync(store.paths.layer(held)));
  assert.not.ok(existsSync(dead));
  live.release();
  rmSync(root, { recursive: true });
});

test('withLock breaks an empty lock file (no owner to wait for) and one of a zombie; a live owner\'s is waited for', async () => {
  const root = temp();
  const store = await openStore(root);
  const lock = join(store.paths.locks, 'gc');
  writeFileSync(lock, '');
  assert.is(await withLock(store, 'gc', () => readFileSync(lock, 'utf8'), 2000), processIdentity(process.pid));
  const z = await zombie();
  try {
    writeFileSync(lock, z.identity);
    assert.is(await withLock(store, 'gc', () => 'taken', 2000), 'taken');
  } finally {
    z.end();
  }
  const sleeper = spawn('sleep', ['1000']);
  try {
    writeFileSync(lock, processIdentity(sleeper.pid!)!);
    await withLock(store, 'gc', () => assert.unreachable('took a live process\'s lock'), 300).then(
      () => assert.unreachable(),
      (err) => assert.match(String(err), new RegExp(`timed out waiting for the gc lock \\(held by process ${sleeper.pid}\\)`)),
    );
  } finally {
    sleeper.kill('SIGKILL');
  }
  assert.equal(readdirSync(store.paths.staging), []);
  rmSync(root, { recursive: true });
});

test('a container name left empty (reserved in place by an older strata, cut off) is taken over', async () => {
  const root = temp();
  const store = await openStore(root);
  const image = writeImage(store, encodeConfig({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })).id;
  mkdirSync(store.paths.names, { recursive: true });
  writeFileSync(store.paths.name('web'), '');
  const rec = await createContainer(store, { image, imageRef: 'x', command: ['true'], driver: 'copy', name: 'web' }, () => {});
  assert.is(readFileSync(store.paths.name('web'), 'utf8'), `${rec.id} ${processIdentity(process.pid)}\n`);
  assert.equal(readdirSync(store.paths.staging), []);
  rmSync(root, { recursive: true });
});

test.run();
