// Rootless: a normal user (made here with useradd) runs sandboxes: a user namespace maps them to
// root inside, overlay mounts in it (or the copy driver builds the root), limits are rlimits, and a
// file root inside writes into a volume belongs to the user outside.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildUmociLayout } from '../archive/umoci-fixture.js';
import { BINARY, requireBinary, tempStore } from '../helpers/cli.js';

const USER = 'strata-rootless';
const asRoot = process.getuid?.() === 0;
if (asRoot && spawnSync('id', [USER]).status !== 0) execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
const uid = asRoot ? Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' })) : 0;
const t = tempStore();
if (asRoot) {
  chownSync(join(t.root, '..'), uid, uid);
  buildUmociLayout(t.scratch, 'app', 't');
  execFileSync('chown', ['-R', `${uid}:${uid}`, t.scratch]);
}

/** strata as the normal user. */
function asUser(...args: string[]) {
  requireBinary();
  const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--', BINARY, '--root', t.root, ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: t.scratch, LANG: 'C.UTF-8' },
  });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('a normal user runs busybox as root inside a user namespace; overlay by default', () => {
  if (!asRoot) return;
  const r = asUser('run', '--rm', 'busybox', 'sh', '-c', 'id -u; uname -r; cat /proc/self/uid_map; grep " / " /proc/mounts');
  assert.is(r.stderr, '');
  const [inside, kernel, map, rootMount] = r.stdout.trim().split('\n');
  assert.is(inside, '0');
  assert.is(kernel, execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
  assert.equal(map!.trim().split(/\s+/), ['0', String(uid), '1']);
  assert.match(rootMount!, /^\S+ \/ overlay /);
  const info = asUser('info').stdout;
  assert.match(info, /Storage Driver: overlay\n/);
  assert.match(info, /Cgroup Version: none \(limits fall back to rlimits\)\n/);
  assert.match(info, /User Namespace: one id mapped/);
});

test('root inside is not root outside: a file written into a volume belongs to the user', () => {
  if (!asRoot) return;
  const vol = join(t.scratch, 'vol');
  mkdirSync(vol);
  chownSync(vol, uid, uid);
  const r = asUser('run', '--rm', '-v', `${vol}:/vol`, 'busybox', 'sh', '-c', 'echo x > /vol/f');
  assert.is(r.status, 0, r.stderr);
  assert.is(statSync(join(vol, 'f')).uid, uid);
});

for (const driver of ['overlay', 'copy']) {
  test(`${driver}: rootless containers: diff and rm (even of directories made unwritable)`, () => {
    if (!asRoot) return;
    const name = `rl-${driver}`;
    const r = asUser('--driver', driver, 'run', '--name', name, 'busybox', 'sh', '-c', 'echo hi > /hi; rm /etc/shadow; mkdir -p /ro/sub; chmod 0555 /ro /ro/sub');
    assert.is(r.status, 0, r.stderr);
    assert.is(asUser('diff', name).stdout, 'C /etc\nD /etc/shadow\nA /hi\nA /ro\nA /ro/sub\n');
    assert.is(asUser('rm', name).status, 0);
  });

  test(`${driver}: rootless, a layered image with whiteouts and an opaque directory`, () => {
    if (!asRoot) return;
    assert.is(asUser('load', join(t.scratch, 'app'), 'app').status, 0);
    const r = asUser('--driver', driver, 'run', '--rm', '-v', '/bin/busybox:/busybox:ro', '--entrypoint', '/busybox', '-u', '0', 'app:t',
      'sh', '-c', 'ls /etc/d; ls / | grep -c gone; ls -l /fifo');
    assert.is(r.stderr, '');
    assert.match(r.stdout, /^fresh\n0\np/);
  });
}

test('rootless: the host stays out of reach (no mount, no host files)', () => {
  if (!asRoot) return;
  const r = asUser('run', '--rm', 'busybox', 'sh', '-c', 'mount -t tmpfs x /mnt 2>&1; cat /etc/shadow');
  assert.match(r.stdout, /permission denied|Operation not permitted/i);
  const imageShadow = asUser('cat', 'busybox:/etc/shadow').stdout;
  assert.ok(r.stdout.endsWith(imageShadow), 'the image\'s shadow, readable as root inside, not the host\'s');
});

test.run();
