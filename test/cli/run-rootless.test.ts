// Rootless: a normal user (made here with useradd) runs sandboxes: a user namespace maps them to
// root inside, overlay mounts in it (or the copy driver builds the root), limits are rlimits, and a
// file root inside writes into a volume belongs to the user outside. With newuidmap and ranges in
// /etc/subuid (Debian's useradd adds them), all ids map; a second user without ranges gets one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/** The user's first range in /etc/subuid (or /etc/subgid), as "START COUNT". */
function subRange(file: string, user: string): [string, string] | undefined {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  return line ? [line.split(':')[1]!, line.split(':')[2]!] : undefined;
}
const hasNewuidmap = spawnSync('sh', ['-c', 'command -v newuidmap && command -v newgidmap']).status === 0;
const ranges = asRoot ? subRange('/etc/subuid', USER) : undefined;
const mapsAll = hasNewuidmap && ranges !== undefined && subRange('/etc/subgid', USER) !== undefined;

/** strata as a normal user (USER unless told). */
function asUser(...args: string[]) {
  return asUid(uid, t.root, t.scratch, args);
}

function asUid(id: number, root: string, home: string, args: readonly string[]) {
  requireBinary();
  const r = spawnSync('setpriv', [`--reuid=${id}`, `--regid=${id}`, '--clear-groups', '--', BINARY, '--root', root, ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' },
    maxBuffer: 1 << 28,
  });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('a normal user runs busybox as root inside a user namespace; overlay by default', () => {
  if (!asRoot) return;
  const r = asUser('run', '--rm', 'busybox', 'sh', '-c', 'id -u; uname -r; head -n 1 /proc/self/uid_map; grep " / " /proc/mounts');
  assert.is(r.stderr, '');
  const [inside, kernel, map, rootMount] = r.stdout.trim().split('\n');
  assert.is(inside, '0');
  assert.is(kernel, execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
  assert.equal(map!.trim().split(/\s+/), ['0', String(uid), '1']);
  assert.match(rootMount!, /^\S+ \/ overlay /);
  assert.match(rootMount!, /,redirect_dir=nofollow,.*userxattr/);
  assert.not.match(rootMount!, /metacopy=on|index=on/);
  const info = asUser('info').stdout;
  assert.match(info, /Storage Driver: overlay\n/);
  assert.match(info, /Cgroup Version: none \(limits fall back to rlimits\)\n/);
});

test('subordinate ids: all ids map (newuidmap); chown inside works; other users run; rm removes what they own', () => {
  if (!asRoot || !mapsAll) return;
  const [start, count] = ranges!;
  const last = Number(start) + Number(count) - 1;
  assert.match(asUser('info').stdout, new RegExp(`User Namespace: rootless: user namespace with subordinate ids ${start}-${last} \\(newuidmap\\)\n`));
  const r = asUser('run', '--name', 'rl-chown', 'busybox', 'sh', '-c',
    'cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/x; chown 123:45 /tmp/x && stat -c "%u %g" /tmp/x; mkdir -p /d/e; touch /d/e/f; chown -R 1000 /d');
  assert.is(r.stderr, '');
  const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  assert.equal(lines, [`0 ${uid} 1`, `1 ${start} ${count}`, `0 ${uid} 1`, `1 ${subRange('/etc/subgid', USER)!.join(' ')}`, '123 45']);
  const id = asUser('run', '--rm', '-u', '1000:1000', 'busybox', 'sh', '-c', 'id -u; id -g');
  assert.is(id.stdout, '1000\n1000\n', id.stderr);
  const rm = asUser('rm', 'rl-chown');
  assert.is(rm.status, 0, rm.stderr);
  assert.is(asUser('ps', '-a', '-q').stdout, '');
});

/** A one-layer image with owners beyond root: a home only its user may enter, a group-owned
 * secret, a setgid program, a symlink owned by a system user. Built here as root, tarred with
 * numeric owners. Returns the tar's path. */
function ownersImageTar(): string {
  const root = join(t.scratch, 'owners-rootfs');
  const tar = join(t.scratch, 'owners.tar');
  if (existsSync(tar)) return tar;
  execFileSync('sh', ['-euc', `
    mkdir -p "$1/bin" "$1/home/app/.cfg" "$1/etc" "$1/usr/bin" "$1/tmp"
    cp /bin/busybox "$1/bin/busybox"; ln -s busybox "$1/bin/sh"; ln -s busybox "$1/bin/stat"; ln -s busybox "$1/bin/cat"; ln -s busybox "$1/bin/id"
    mkfifo "$1/home/app/pipe"; echo s3cret > "$1/home/app/.cfg/key"; chmod 0600 "$1/home/app/.cfg/key"; chmod 0700 "$1/home/app" "$1/home/app/.cfg"
    chown -R 1000:1000 "$1/home/app"
    echo shadowish > "$1/etc/gshadow"; chown 0:42 "$1/etc/gshadow"; chmod 0640 "$1/etc/gshadow"
    cp /bin/busybox "$1/usr/bin/sgprog"; chown 0:42 "$1/usr/bin/sgprog"; chmod 2755 "$1/usr/bin/sgprog"
    ln -s /etc/gshadow "$1/etc/link"; chown -h 7:7 "$1/etc/link"
    chmod 1777 "$1/tmp"
    tar --numeric-owner -C "$1" -cf "$2" .
  `, 'sh', root, tar]);
  execFileSync('chown', [`${uid}:${uid}`, tar]);
  return tar;
}

const OWNERS_PROBE = 'stat -c "%u:%g %a %n" /home/app /home/app/.cfg/key /etc/gshadow /usr/bin/sgprog; stat -c "%u:%g %n" /etc/link; stat -c "%u:%g %F" /home/app/pipe';
const OWNERS_SEEN = '1000:1000 700 /home/app\n1000:1000 600 /home/app/.cfg/key\n0:42 640 /etc/gshadow\n0:42 2755 /usr/bin/sgprog\n7:7 /etc/link\n1000:1000 fifo\n';

test('subordinate ids: image owners are real inside (import maps them); cat, save, export, check, copy driver, rmi', () => {
  if (!asRoot || !mapsAll) return;
  const tar = ownersImageTar();
  // The fifo the image holds in the home of uid 1000 (a mark of the overlay driver, a node of the copy driver).
  const imp = asUser('import', tar, 'owners:1');
  assert.is(imp.status, 0, imp.stderr);
  // On disk, outside: image uid N is START+N-1, image 0 the user.
  const [start] = ranges!;
  const layerDir = execFileSync('sh', ['-c', `ls -d ${t.root}/layers/*/rootfs/home/app`], { encoding: 'utf8' }).trim();
  assert.is(statSync(layerDir).uid, Number(start) + 999);
  assert.is(statSync(join(layerDir, '..', '..', 'etc', 'gshadow')).uid, uid);
  for (const driver of ['overlay', 'copy']) {
    const r = asUser('--driver', driver, 'run', '--rm', 'owners:1', 'sh', '-c', OWNERS_PROBE);
    assert.is(r.stderr, '', driver);
    assert.is(r.stdout, OWNERS_SEEN, driver);
    const app = asUser('--driver', driver, 'run', '--rm', '-u', '1000', 'owners:1', 'cat', '/home/app/.cfg/key');
    assert.is(app.stdout, 's3cret\n', `${driver}: ${app.stderr}`);
  }
  // A change inside the home only uid 1000 may enter: diff and commit read it from inside the
  // user namespace; the committed image keeps every owner; rm removes files of mapped owners.
  for (const driver of ['overlay', 'copy']) {
    const name = `rl-owners-${driver}`;
    const c = asUser('--driver', driver, 'run', '--name', name, '-u', '1000:1000', 'owners:1', 'sh', '-c', 'echo x > /home/app/.cfg/new');
    assert.is(c.status, 0, c.stderr);
    // cp, both ways, through the directory only uid 1000 may enter.
    const out = join(t.scratch, `key-${driver}`);
    const cpOut = asUser('cp', `${name}:/home/app/.cfg/key`, out);
    assert.is(cpOut.status, 0, cpOut.stderr);
    assert.is(readFileSync(out, 'utf8'), 's3cret\n');
    assert.is(statSync(out).uid, uid);
    const cpIn = asUser('cp', out, `${name}:/home/app/.cfg/in`);
    assert.is(cpIn.status, 0, cpIn.stderr);
    assert.is(asUser('diff', name).stdout, 'C /home\nC /home/app\nC /home/app/.cfg\nA /home/app/.cfg/in\nA /home/app/.cfg/new\n', driver);
    const commit = asUser('commit', name, `owners:${driver}`);
    assert.is(commit.status, 0, commit.stderr);
    const r = asUser('--driver', driver, 'run', '--rm', `owners:${driver}`, 'sh', '-c', `${OWNERS_PROBE}; stat -c "%u:%g %a %n" /home/app/.cfg/new`);
    assert.is(r.stdout, `${OWNERS_SEEN}1000:1000 644 /home/app/.cfg/new\n`, `${driver}: ${r.stderr}`);
    assert.is(asUser('rm', name).status, 0);
    assert.is(asUser('rmi', `owners:${driver}`).status, 0);
  }
  // A running container: cp joins its user namespace, both ways, through the same directory.
  const running = asUser('run', '-d', '--name', 'rl-owners-running', 'owners:1', 'busybox', 'sleep', '60');
  assert.is(running.status, 0, running.stderr);
  const runningOut = join(t.scratch, 'key-running');
  const out1 = asUser('cp', 'rl-owners-running:/home/app/.cfg/key', runningOut);
  assert.is(out1.status, 0, out1.stderr);
  assert.is(readFileSync(runningOut, 'utf8'), 's3cret\n');
  const in1 = asUser('cp', runningOut, 'rl-owners-running:/home/app/.cfg/copied');
  assert.is(in1.status, 0, in1.stderr);
  assert.is(asUser('exec', 'rl-owners-running', 'cat', '/home/app/.cfg/copied').stdout, 's3cret\n');
  assert.is(asUser('rm', '-f', 'rl-owners-running').status, 0);
  // Reading what the user cannot open outside: through the user namespace.
  assert.is(asUser('cat', 'owners:1:/home/app/.cfg/key').stdout, 's3cret\n');
  const saved = join(t.scratch, 'owners-saved.tar');
  const save = asUser('save', '-o', saved, 'owners:1');
  assert.is(save.status, 0, save.stderr);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', saved, 'manifest.json'], { encoding: 'utf8' })) as [{ Layers: string[] }];
  const layer = execFileSync('tar', ['-xOf', saved, manifest[0].Layers[0]!], { maxBuffer: 1 << 28 });
  assert.ok(layer.equals(readFileSync(tar)), 'save gives back the imported tar byte for byte');
  const exported = asUser('export', 'owners:1');
  assert.is(exported.status, 0, exported.stderr);
  assert.ok(exported.stdout.includes('s3cret\n'), 'export holds the file only uid 1000 may read');
  assert.is(asUser('check').stdout, '');
  assert.is(asUser('check').status, 0);
  // rmi removes the layer, files of mapped owners included.
  assert.is(asUser('rmi', 'owners:1').status, 0);
  assert.is(execFileSync('sh', ['-c', `ls ${t.root}/layers | wc -l`], { encoding: 'utf8' }).trim(), '1');
  assert.is(asUser('check').stdout, '');
});

test('subordinate ids: the store remembers the ranges its owners are shifted into, and refuses others', () => {
  if (!asRoot || !mapsAll) return;
  const [start, count] = ranges!;
  const [gstart, gcount] = subRange('/etc/subgid', USER)!;
  assert.is(asUser('images').status, 0);
  assert.is(readFileSync(join(t.root, 'idmap'), 'utf8'), `uid ${start} ${count}\ngid ${gstart} ${gcount}\n`);
  const saved = readFileSync('/etc/subuid', 'utf8');
  try {
    writeFileSync('/etc/subuid', saved.replace(`${USER}:${start}:`, `${USER}:${Number(start) + 1000000}:`));
    const r = asUser('images');
    assert.is(r.status, 1);
    assert.match(r.stderr, new RegExp(`^strata: the store at \\S+ holds layers whose owners are shifted into subordinate ids uid ${start} ${count}, gid ${gstart} ${gcount}; this user now has uid ${Number(start) + 1000000} ${count}, gid ${gstart} ${gcount}: restore those ranges, or use another store\n$`));
  } finally {
    writeFileSync('/etc/subuid', saved);
  }
  assert.is(asUser('images').status, 0);
});

test('without a subordinate range: one id mapped, and info says so', () => {
  if (!asRoot) return;
  const other = 'strata-rootless-1id';
  if (spawnSync('id', [other]).status !== 0) execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', other]);
  try {
    for (const file of ['/etc/subuid', '/etc/subgid']) {
      const text = readFileSync(file, 'utf8');
      const kept = text.split('\n').filter((l) => !l.startsWith(`${other}:`)).join('\n');
      if (kept !== text) writeFileSync(file, kept);
    }
    const otherUid = Number(execFileSync('id', ['-u', other], { encoding: 'utf8' }));
    const s = tempStore();
    try {
      chownSync(join(s.root, '..'), otherUid, otherUid);
      chownSync(s.scratch, otherUid, otherUid);
      assert.match(asUid(otherUid, s.root, s.scratch, ['info']).stdout, /User Namespace: rootless: one id mapped \(no newuidmap or no \/etc\/subuid range\)\n/);
      const r = asUid(otherUid, s.root, s.scratch, ['run', '--rm', 'busybox', 'sh', '-c', 'cat /proc/self/uid_map; touch /tmp/x; chown 123 /tmp/x 2>/dev/null || echo refused']);
      assert.is(r.stderr, '');
      assert.equal(r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')), [`0 ${otherUid} 1`, 'refused']);
    } finally {
      s.cleanup();
    }
  } finally {
    execFileSync('userdel', [other]);
  }
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
    const changes = 'C /etc\nD /etc/shadow\nA /hi\nA /ro\nA /ro/sub\n';
    assert.is(asUser('diff', name).stdout, changes);
    // Again, from the image's path table the first diff kept (overlay), made by the user.
    assert.is(asUser('diff', name).stdout, changes);
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
